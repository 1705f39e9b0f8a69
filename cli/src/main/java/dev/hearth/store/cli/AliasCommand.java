package dev.hearth.store.cli;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.ModelStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code models alias set|rm|list|history}: move aliases with compare-and-swap and read their history. */
@Command(
        name = "alias",
        description = "Set, remove, list aliases and show their history.",
        subcommands = {
            AliasCommand.Set.class,
            AliasCommand.Remove.class,
            AliasCommand.ListAliases.class,
            AliasCommand.History.class
        })
final class AliasCommand implements Runnable {
    /** Value of {@code --expect} meaning "the alias must not exist". */
    static final String NONE = "none";

    @ParentCommand
    ModelsCommand parent;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String format(Map<String, Integer> aliases) {
        StringJoiner j = new StringJoiner(",");
        aliases.forEach((a, v) -> j.add(a + "=" + v));
        return j.toString();
    }

    static String events(List<AuditEvent> events) {
        StringBuilder table = new StringBuilder(String.format(
                Locale.ROOT,
                "%-30s %-10s %-14s %-6s %-6s %-24s %s%n",
                "AT",
                "ACTION",
                "ALIAS",
                "FROM",
                "TO",
                "WHO",
                "REASON"));
        for (AuditEvent e : events) {
            table.append(String.format(
                    Locale.ROOT,
                    "%-30s %-10s %-14s %-6s %-6s %-24s %s%n",
                    e.at(),
                    e.action(),
                    e.alias() == null ? "-" : e.alias(),
                    dash(e.from()),
                    dash(e.to()),
                    e.who(),
                    e.reason() == null ? "" : e.reason()));
        }
        return table.toString();
    }

    static String moved(AuditEvent e) {
        return e.action() + " " + e.model() + "@" + e.alias() + ": " + dash(e.from()) + " -> " + dash(e.to()) + "\n";
    }

    private static String dash(Integer v) {
        return v == null ? "-" : v.toString();
    }

    private static Integer expected(String text) {
        if (text.equals(NONE)) {
            return null;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--expect must be a version number or 'none' but was '" + text + "'");
        }
    }

    /** The {@code NAME ALIAS} parameters of {@code set}, {@code rm} and {@code history}. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ALIAS")
        String aliasName;
    }

    /** A compare-and-swap move of one alias ({@code set}, {@code rm}), recorded with its reason and printed. */
    abstract static class Move implements Callable<Integer> {
        @ParentCommand
        AliasCommand alias;

        @Mixin
        Target target;

        @Option(names = "--reason", description = "recorded in the audit log")
        String reason;

        @Override
        public Integer call() {
            AuditEvent e = move(alias.parent.store());
            alias.parent.print(e, moved(e));
            return 0;
        }

        abstract AuditEvent move(ModelStore store);
    }

    /** {@code alias set NAME ALIAS VERSION [--expect N|none] [--reason R]}. */
    @Command(name = "set", description = "Point ALIAS at VERSION (compare-and-swap; exit 3 if it moved meanwhile).")
    static final class Set extends Move {
        @Parameters(index = "2", paramLabel = "VERSION")
        int version;

        @Option(
                names = "--expect",
                paramLabel = "N|none",
                description = "the alias's current target; 'none' if it must not exist (default: as read now)")
        String expect;

        @Override
        AuditEvent move(ModelStore store) {
            Integer expected = expect == null ? store.aliases(target.name).get(target.aliasName) : expected(expect);
            return store.setAlias(target.name, target.aliasName, version, expected, reason);
        }
    }

    /** {@code alias rm NAME ALIAS [--expect N] [--reason R]}. */
    @Command(name = "rm", description = "Remove ALIAS (compare-and-swap; exit 3 if it moved meanwhile).")
    static final class Remove extends Move {
        @Option(names = "--expect", paramLabel = "N", description = "the alias's current target (default: as read now)")
        Integer expect;

        @Override
        AuditEvent move(ModelStore store) {
            int expected = expect != null
                    ? expect
                    : store.resolve(dev.hearth.store.ModelRef.ofAlias(target.name, target.aliasName))
                            .version();
            return store.removeAlias(target.name, target.aliasName, expected, reason);
        }
    }

    /** {@code alias list NAME}. */
    @Command(name = "list", description = "List a model's aliases and their targets.")
    static final class ListAliases implements Callable<Integer> {
        @ParentCommand
        AliasCommand alias;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Map<String, Integer> aliases = alias.parent.store().aliases(name);
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-24s %s%n", "ALIAS", "VERSION"));
            aliases.forEach((a, v) -> table.append(String.format(Locale.ROOT, "%-24s %d%n", a, v)));
            alias.parent.print(aliases, table.toString());
            return 0;
        }
    }

    /** {@code alias history NAME ALIAS}. */
    @Command(name = "history", description = "Every move of ALIAS: who, when, from, to, reason.")
    static final class History implements Callable<Integer> {
        @ParentCommand
        AliasCommand alias;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            List<AuditEvent> events = alias.parent.store().aliasHistory(target.name, target.aliasName);
            if (events.isEmpty()) {
                throw new dev.hearth.store.ModelNotFoundException(
                        "alias '" + target.aliasName + "' of model '" + target.name + "' was never set");
            }
            alias.parent.print(events, events(events));
            return 0;
        }
    }
}
