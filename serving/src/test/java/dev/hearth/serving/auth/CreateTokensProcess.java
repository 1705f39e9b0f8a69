package dev.hearth.serving.auth;

import java.nio.file.Path;
import java.util.List;

/** Run in a child JVM: creates {@code count} tokens in a token file and prints each one. */
public final class CreateTokensProcess {
    private CreateTokensProcess() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        for (int i = 0; i < count; i++) {
            System.out.println(TokenFile.create(file, List.of("predict:*")));
        }
        System.out.flush();
    }
}
