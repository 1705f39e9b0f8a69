package dev.hearth.store.cli;

import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code models show REF}: one version's full metadata. */
@Command(name = "show", description = "Show one version's full metadata (REF: name, name/N, name@alias).")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(paramLabel = "REF", description = "model reference: name (latest), name/N or name@alias")
    String ref;

    @Override
    public Integer call() {
        ModelVersion v = parent.store().resolve(ModelRef.parse(ref));
        String pretty = new String(parent.metadataJson().write(v.metadata()), StandardCharsets.UTF_8);
        parent.print(v.metadata(), "location: " + v.location() + "\n" + pretty + "\n");
        return 0;
    }
}
