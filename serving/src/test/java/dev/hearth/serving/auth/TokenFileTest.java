package dev.hearth.serving.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token file: every line validated at read time (errors name file and line), expiry stored with the token,
 * and creates and revokes from many threads and processes at once losing nothing.
 */
class TokenFileTest {
    private static final String SALT = "c2FsdHNhbHRzYWx0c2FsdA==";
    private static final String HASH = "ab".repeat(32);
    private static final String CREATED = "2026-01-01T00:00:00Z";

    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("tokens");
        Files.write(f, List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    private void assertRefused(String line, String problem) throws Exception {
        Path f = file("# header", "", "0123456789ab " + SALT + " " + HASH + " predict:* " + CREATED, line);
        assertThatThrownBy(() -> TokenFile.read(f))
                .as(line)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token file " + f + " line 4: ")
                .hasMessageContaining(problem);
    }

    @Test
    void malformedLinesAreRefusedWithFileAndLine() throws Exception {
        assertRefused("abcdef012345 " + SALT + " " + HASH + " predict:*", "must have 6 fields");
        assertRefused("abcdef012345 " + SALT + " deadbeef predict:* " + CREATED, "hash must be 64 lower-case hex");
        assertRefused("abcdef012345 " + SALT + " " + "zz".repeat(32) + " predict:* " + CREATED, "non-hex");
        assertRefused("abcdef012345 not*base64 " + HASH + " predict:* " + CREATED, "salt must be base64");
        assertRefused("abcdef012345 YQ== " + HASH + " predict:* " + CREATED, "salt must decode to at least 8");
        assertRefused("abcdef012345 " + SALT + " " + HASH + " admin " + CREATED, "scope must be");
        assertRefused("abcdef012345 " + SALT + " " + HASH + " predict:* yesterday", "created must be an ISO-8601");
        assertRefused("abcdef012345 " + SALT + " " + HASH + " predict:* " + CREATED + " soon", "expires must be");
        assertRefused("ABC_DEF " + SALT + " " + HASH + " predict:* " + CREATED, "id must be");
        assertRefused("0123456789ab " + SALT + " " + HASH + " read:* " + CREATED, "already used on line 3");
    }

    @Test
    void linesWithoutExpiryFromOlderFilesNeverExpire() throws Exception {
        Path f = file(
                "0123456789ab " + SALT + " " + HASH + " predict:*,read:iris " + CREATED,
                "0123456789ac " + SALT + " " + HASH + " manage " + CREATED + " never",
                "0123456789ad " + SALT + " " + HASH + " manage " + CREATED + " 2030-01-01T00:00:00Z");
        List<TokenFile.Entry> entries = TokenFile.read(f).entries();
        assertThat(entries)
                .extracting(TokenFile.Entry::expires)
                .containsExactly(null, null, Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(entries.get(0).scopes()).containsExactly("predict:*", "read:iris");
        assertThat(entries.get(2).expiredAt(Instant.parse("2029-12-31T23:59:59Z")))
                .isFalse();
        assertThat(entries.get(2).expiredAt(Instant.parse("2030-01-01T00:00:00Z")))
                .isTrue();
    }

    @Test
    void expiryIsStoredWithTheToken() throws Exception {
        Path f = dir.resolve("tokens");
        Instant until = Instant.parse("2031-05-01T10:00:00Z");
        String token = TokenFile.create(f, List.of("predict:iris"), until);
        TokenFile.Principal p = TokenFile.read(f).authenticate(token).orElseThrow();
        assertThat(p.expires()).isEqualTo(until);
        assertThat(Files.readString(f)).contains(p.id() + " ").contains(" 2031-05-01T10:00:00Z");
        assertThat(TokenFile.read(f).authenticate(token + "x")).isEmpty();
    }

    @Test
    void concurrentCreatesAndRevokesInThreadsLoseNothing() throws Exception {
        Path f = dir.resolve("tokens");
        List<String> doomed = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            doomed.add(TokenFile.create(f, List.of("read:*")));
        }
        List<String> created = Collections.synchronizedList(new ArrayList<>());
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    futures.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < 15; i++) {
                            created.add(TokenFile.create(f, List.of("predict:*")));
                        }
                        return null;
                    }));
                }
                for (int t = 0; t < 2; t++) {
                    List<String> mine = doomed.subList(t * 6, t * 6 + 6);
                    futures.add(pool.submit(() -> {
                        go.await();
                        for (String token : mine) {
                            assertThat(TokenFile.revoke(f, id(token))).isTrue();
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
        });
        TokenFile tokens = TokenFile.read(f);
        assertThat(tokens.size()).isEqualTo(90);
        for (String token : created) {
            assertThat(tokens.authenticate(token)).as(token).isPresent();
        }
        for (String token : doomed) {
            assertThat(tokens.authenticate(token)).isEmpty();
        }
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("tokens", "tokens.lock");
    }

    @Test
    void concurrentCreatesInProcessesLoseNothing() throws Exception {
        Path f = dir.resolve("tokens");
        List<Process> children = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                children.add(new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-Xmx64m",
                                "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1",
                                "-cp",
                                System.getProperty("java.class.path"),
                                CreateTokensProcess.class.getName(),
                                f.toString(),
                                "20")
                        .redirectError(dir.resolve("child" + i + ".err").toFile())
                        .start());
            }
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                mine.add(TokenFile.create(f, List.of("read:*")));
            }
            List<String> theirs = new ArrayList<>();
            for (Process p : children) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
                assertThat(p.exitValue()).as(out).isZero();
                theirs.addAll(out.lines().toList());
            }
            assertThat(theirs).hasSize(60);
            TokenFile tokens = TokenFile.read(f);
            assertThat(tokens.size()).isEqualTo(80);
            for (String token : mine) {
                assertThat(tokens.authenticate(token)).isPresent();
            }
            for (String token : theirs) {
                assertThat(tokens.authenticate(token)).as(token).isPresent();
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static String id(String token) {
        return token.split("_")[1];
    }
}
