package dev.hearth.serving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.auth.TokenFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hearth tokens create|list|revoke}: the token is printed once, only its salted hash is stored. */
class TokensCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = TokensCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString().strip(), err.toString());
    }

    @Test
    void createListRevoke() throws Exception {
        Path file = dir.resolve("conf/tokens");
        Run created = run("create", "--file", file.toString(), "--scope", "predict:iris", "--scope", "read:*");
        assertThat(created.exit()).isZero();
        String token = created.out();
        assertThat(token).startsWith("hearth_");
        assertThat(Files.readString(file)).doesNotContain(token);
        TokenFile.Principal p = TokenFile.read(file).authenticate(token).orElseThrow();
        assertThat(p.allows("predict:iris")).isTrue();
        assertThat(p.allows("read:other")).isTrue();
        assertThat(p.allows("predict:other")).isFalse();
        assertThat(p.allows("manage")).isFalse();

        Run list = run("list", "--file", file.toString());
        assertThat(list.out()).contains(p.id(), "predict:iris,read:*").doesNotContain(token);

        assertThat(run("revoke", "--file", file.toString(), p.id()).exit()).isZero();
        assertThat(TokenFile.read(file).authenticate(token)).isEmpty();
        assertThat(run("revoke", "--file", file.toString(), p.id()).exit()).isEqualTo(1);
    }

    @Test
    void expiryIsSetShownAndChecked() throws Exception {
        Path file = dir.resolve("tokens");
        Instant before = Instant.now();
        Run days = run("create", "--file", file.toString(), "--scope", "predict:*", "--expires", "30d");
        Run hours = run("create", "--file", file.toString(), "--scope", "predict:*", "--expires", "12h");
        Run minutes = run("create", "--file", file.toString(), "--scope", "predict:*", "--expires", "45m");
        Run never = run("create", "--file", file.toString(), "--scope", "predict:*");
        for (Run r : List.of(days, hours, minutes, never)) {
            assertThat(r.exit()).as(r.err()).isZero();
        }
        TokenFile tokens = TokenFile.read(file);
        assertThat(tokens.authenticate(days.out()).orElseThrow().expires())
                .isBetween(before.plus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(30)));
        assertThat(tokens.authenticate(hours.out()).orElseThrow().expires())
                .isBetween(before.plus(Duration.ofHours(12)), Instant.now().plus(Duration.ofHours(12)));
        assertThat(tokens.authenticate(minutes.out()).orElseThrow().expires())
                .isBetween(before.plus(Duration.ofMinutes(45)), Instant.now().plus(Duration.ofMinutes(45)));
        assertThat(tokens.authenticate(never.out()).orElseThrow().expires()).isNull();

        String expired = TokenFile.create(file, List.of("read:*"), Instant.now().minusSeconds(60));
        String expiredId = expired.split("_")[1];
        Run list = run("list", "--file", file.toString());
        assertThat(list.out().lines().findFirst()).hasValue("ID\tSCOPES\tCREATED\tEXPIRES\tSTATE");
        assertThat(list.out().lines().filter(l -> l.startsWith(expiredId)))
                .singleElement()
                .asString()
                .endsWith("\texpired");
        String neverId = never.out().split("_")[1];
        assertThat(list.out().lines().filter(l -> l.startsWith(neverId)))
                .singleElement()
                .asString()
                .endsWith("\tnever\tvalid");
        assertThat(list.out().lines().filter(l -> l.endsWith("\tvalid"))).hasSize(4);
    }

    @Test
    void badExpiriesAreRefused() {
        Path file = dir.resolve("tokens");
        for (String age : new String[] {"0d", "30", "5w", "-1h", "1.5d", "d", "3651d", "99999999m", ""}) {
            Run r = run("create", "--file", file.toString(), "--scope", "predict:*", "--expires", age);
            assertThat(r.exit()).as(age).isEqualTo(2);
            assertThat(r.err())
                    .contains("--expires must be a positive whole number of days, hours or minutes")
                    .contains("'" + age + "'");
        }
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void aMalformedFileIsReportedWithItsLine() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# tokens\nnot a valid line\n");
        Run list = run("list", "--file", file.toString());
        assertThat(list.exit()).isEqualTo(2);
        assertThat(list.err()).contains("token file " + file + " line 2");
        Run create = run("create", "--file", file.toString(), "--scope", "predict:*");
        assertThat(create.exit()).isEqualTo(2);
        assertThat(create.err()).contains("line 2");
    }

    @Test
    void badScopesAreRefused() {
        Path file = dir.resolve("tokens");
        for (String scope : new String[] {"predict", "admin", "predict:Bad..Name", "read:", "manage:x"}) {
            Run r = run("create", "--file", file.toString(), "--scope", scope);
            assertThat(r.exit()).as(scope).isEqualTo(2);
            assertThat(r.err()).contains("scope must be");
        }
        assertThat(Files.exists(file)).isFalse();
    }
}
