package dev.hearth.serving.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-reading the token file: changes apply, a broken change is not used, a removed file refuses everyone. */
class TokenReloaderTest {
    @TempDir
    Path dir;

    @Test
    void changesApplyAndBrokenChangesKeepThePreviousTokens() throws Exception {
        Path file = dir.resolve("tokens");
        String first = TokenFile.create(file, List.of("predict:*"));
        try (TokenReloader reloader = TokenReloader.read(file, 0)) {
            assertThat(reloader.check()).isFalse();
            String second = TokenFile.create(file, List.of("read:*"));
            assertThat(reloader.current().authenticate(second)).isEmpty();
            assertThat(reloader.check())
                    .as("new content waits for a second look")
                    .isFalse();
            assertThat(reloader.check()).isTrue();
            assertThat(reloader.current().authenticate(second)).isPresent();

            // A hand edit that breaks a line: the file is not used, both tokens keep working.
            String good = Files.readString(file);
            Files.writeString(file, good + "garbage line\n");
            assertThat(reloader.check()).isFalse();
            assertThat(reloader.check()).isFalse();
            assertThat(reloader.current().authenticate(first)).isPresent();
            assertThat(reloader.current().authenticate(second)).isPresent();
            assertThat(reloader.check()).isFalse(); // the same broken content is looked at once

            // Fixed again, with the first token revoked.
            Files.writeString(file, good);
            TokenFile.revoke(file, first.split("_")[1]);
            assertThat(reloader.check()).isFalse();
            assertThat(reloader.check()).isTrue();
            assertThat(reloader.current().authenticate(first)).isEmpty();
            assertThat(reloader.current().authenticate(second)).isPresent();

            Files.delete(file);
            assertThat(reloader.check()).isFalse();
            assertThat(reloader.check()).isTrue();
            assertThat(reloader.current().size()).isZero();
        }
    }

    @Test
    void contentCaughtMidEditIsNotUsed() throws Exception {
        Path file = dir.resolve("tokens");
        String token = TokenFile.create(file, List.of("predict:*"));
        String full = Files.readString(file);
        try (TokenReloader reloader = TokenReloader.read(file, 0)) {
            // An editor writing in place: the check sees an empty file, then the whole file again.
            Files.writeString(file, "");
            assertThat(reloader.check()).isFalse();
            Files.writeString(file, full);
            assertThat(reloader.check()).isFalse();
            assertThat(reloader.check()).isFalse();
            assertThat(reloader.current().authenticate(token)).isPresent();
        }
    }

    @Test
    void theTimerPicksUpARevoke() throws Exception {
        Path file = dir.resolve("tokens");
        String token = TokenFile.create(file, List.of("predict:*"));
        try (TokenReloader reloader = TokenReloader.read(file, 100)) {
            reloader.start();
            assertThat(reloader.current().authenticate(token)).isPresent();
            TokenFile.revoke(file, token.split("_")[1]);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> reloader.current().authenticate(token).isEmpty());
        }
    }

    @Test
    void aMalformedFileIsRefusedAtStart() throws Exception {
        Path file = dir.resolve("tokens");
        TokenFile.create(file, List.of("predict:*"));
        Files.writeString(file, Files.readString(file).replaceFirst(" [0-9a-f]{64} ", " 12345 "));
        assertThatThrownBy(() -> TokenReloader.read(file, 1000))
                .hasMessageContaining("token file " + file + " line 2: hash must be 64");
    }
}
