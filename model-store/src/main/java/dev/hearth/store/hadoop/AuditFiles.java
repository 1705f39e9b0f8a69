package dev.hearth.store.hadoop;

import dev.hearth.store.AuditEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/** Deletion events as immutable files {@code <name>/audit/<millis>-<uuid>.json}, one per event. */
final class AuditFiles {
    private final StoreLayout layout;
    private final ExclusiveCreator exclusive;
    private final JsonFiles json;

    AuditFiles(StoreLayout layout, ExclusiveCreator exclusive, JsonFiles json) {
        this.layout = layout;
        this.exclusive = exclusive;
        this.json = json;
    }

    AuditEvent record(String name, String action, int version, String reason) throws IOException {
        return record(name, action, version, reason, StoreLayout.who());
    }

    /** {@link #record} as done by {@code who}. */
    AuditEvent record(String name, String action, int version, String reason, String who) throws IOException {
        Instant now = Instant.now();
        AuditEvent event = new AuditEvent(now.toString(), who, action, name, null, version, null, reason);
        String file = String.format(Locale.ROOT, "%013d-%s.json", now.toEpochMilli(), UUID.randomUUID());
        exclusive.create(new Path(layout.dir(name, StoreLayout.AUDIT), file), json.bytes(event));
        return event;
    }

    List<AuditEvent> list(String name) throws IOException {
        List<AuditEvent> out = new ArrayList<>();
        for (FileStatus st : layout.children(layout.dir(name, StoreLayout.AUDIT))) {
            String f = st.getPath().getName();
            if (f.endsWith(".json") && !f.startsWith(ExclusiveCreator.TMP_PREFIX)) {
                out.add(json.read(st.getPath(), AuditEvent.class));
            }
        }
        return out;
    }
}
