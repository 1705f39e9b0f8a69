package dev.hearth.serving.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
