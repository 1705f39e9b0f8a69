package dev.hearth.store.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.RuleAudit;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EncryptionSettingsTest {
    @Test
    void everySettingIsFreeTextCheckedByItsParser() {
        // A provider URI, a key name and the model=key list: no fixed set or range; parseOverrides checks the list.
        assertThat(RuleAudit.problems(
                        EncryptionSettings.ALL,
                        Set.of(
                                EncryptionSettings.KEY_PROVIDER,
                                EncryptionSettings.KEY_NAME,
                                EncryptionSettings.KEY_OVERRIDES)))
                .isEmpty();
        assertThatThrownBy(() -> EncryptionSettings.parseOverrides("a=k,b"))
                .hasMessage("store.encryption.key.overrides must be model=key,model=key but was 'a=k,b' (entry 'b')");
    }
}
