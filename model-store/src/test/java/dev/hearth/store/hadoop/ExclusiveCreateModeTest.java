package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.ModelStoreException;
import dev.hearth.store.testing.Drafts;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a store makes exclusive creates, and the multi-publisher guard (S3 itself: S3ModelStoreIT). */
class ExclusiveCreateModeTest {
    @TempDir
    Path dir;

    @Test
    void localStoresAreSafeForSeveralPublishers() {
        Configuration conf = new Configuration();
        conf.setBoolean(HadoopModelStore.MULTI_PUBLISHER, true);
        HadoopModelStore store = HadoopModelStore.open(dir.toString(), conf);
        assertThat(store.multiPublisherSafe()).isTrue();
        assertThat(store.exclusiveCreates()).isEqualTo("temporary file + hard link");
    }

    @Test
    void markerModeWithoutConditionalWritesRefusesSeveralPublishersButServesOne() {
        Configuration conf = new Configuration();
        conf.set(CommitMode.CONF_KEY, "marker");
        HadoopModelStore single = HadoopModelStore.open(dir.toString(), conf);
        assertThat(single.multiPublisherSafe()).isFalse();
        assertThat(single.exclusiveCreates()).contains("not exclusive").contains("no conditional PUT for scheme file");
        assertThat(single.publish("m", Drafts.text("one", 0.5)).version()).isEqualTo(1);

        conf.setBoolean(HadoopModelStore.MULTI_PUBLISHER, true);
        assertThatThrownBy(() -> HadoopModelStore.open(dir.toString(), conf))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("cannot run with several publishers (hearth.store.multi-publisher=true)")
                .hasMessageContaining("If-None-Match: *");
    }

    @Test
    void anUnknownConditionalWritesSettingNamesKeyValueAndRule() {
        Configuration conf = new Configuration();
        conf.set(CommitMode.CONF_KEY, "marker");
        conf.set(ConditionalWriteProbe.CONF_KEY, "maybe");
        assertThatThrownBy(() -> HadoopModelStore.open(dir.toString(), conf))
                .hasMessage("hearth.store.conditional-writes must be 'probe', 'on' or 'off' but was 'maybe'");
        conf.set(ConditionalWriteProbe.CONF_KEY, "off");
        assertThat(HadoopModelStore.open(dir.toString(), conf).exclusiveCreates())
                .contains("hearth.store.conditional-writes=off");
    }
}
