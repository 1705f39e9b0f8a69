package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's command list of {@code bin/hearth} and the launcher's own {@code --help} name the same commands. */
class LauncherCommandsTest {
    /** A command line of the help: two spaces, the name, then its arguments or two spaces and its description. */
    private static final Pattern HELP_COMMAND = Pattern.compile("^  ([a-z]+)(?: |$)");
    /** The README's layout row of the launcher: "| `bin/hearth` | The launcher: `train`, `evaluate`, ... |". */
    private static final Pattern README_ROW =
            Pattern.compile("^\\| `bin/hearth` \\| The launcher: (.*?)\\(", Pattern.MULTILINE);

    private static final Pattern CODE = Pattern.compile("`([a-z]+)`");
    /** A branch of the launcher's dispatch: "  train) submit ..." or "  help|-h|--help) usage ;;". */
    private static final Pattern DISPATCH = Pattern.compile("^  ([a-z]+)[|)]");

    @Test
    void readmeListsExactlyTheCommandsOfTheHelp() throws Exception {
        Processes.Result help;
        try (Processes processes = new Processes()) {
            help = processes.run(
                    List.of("bash", HearthBuild.root().resolve("bin/hearth").toString(), "--help"),
                    Duration.ofSeconds(30));
        }
        assertThat(help.exitCode()).as(help.output()).isZero();
        Set<String> helpCommands = new LinkedHashSet<>();
        boolean inCommands = false;
        for (String line : help.output().lines().toList()) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.startsWith("Environment:")) {
                break;
            } else if (inCommands) {
                Matcher m = HELP_COMMAND.matcher(line);
                if (m.find()) {
                    helpCommands.add(m.group(1));
                }
            }
        }

        String readme = Files.readString(HearthBuild.root().resolve("README.md"), StandardCharsets.UTF_8);
        Matcher row = README_ROW.matcher(readme);
        assertThat(row.find())
                .as("README.md has the row | `bin/hearth` | The launcher: ... |")
                .isTrue();
        Set<String> readmeCommands = new LinkedHashSet<>();
        Matcher code = CODE.matcher(row.group(1));
        while (code.find()) {
            readmeCommands.add(code.group(1));
        }

        String launcher = Files.readString(HearthBuild.root().resolve("bin/hearth"), StandardCharsets.UTF_8);
        Set<String> dispatched = new LinkedHashSet<>();
        List<String> lines = launcher.lines().toList();
        for (String line : lines.subList(lines.indexOf("case \"$cmd\" in"), lines.size())) {
            Matcher m = DISPATCH.matcher(line);
            if (m.find()) {
                dispatched.add(m.group(1));
            }
        }

        assertThat(helpCommands).as("commands in bin/hearth --help").hasSizeGreaterThan(10);
        assertThat(dispatched).as("commands bin/hearth dispatches").containsExactlyInAnyOrderElementsOf(helpCommands);
        assertThat(readmeCommands)
                .as("commands in the README's bin/hearth row (bin/hearth --help has %s)", helpCommands)
                .containsExactlyInAnyOrderElementsOf(helpCommands);
    }
}
