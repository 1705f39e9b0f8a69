package dev.hearth.notebook.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The evaluator without Jupyter: values are real objects, failures are cell errors with the user's message. */
class JShellEvaluatorTest {
    private static JShellEvaluator shell;

    @BeforeAll
    static void start() {
        shell = new JShellEvaluator(System.getProperty("java.class.path"), HearthKernel.STARTUP);
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    @Test
    void lastExpressionIsReturnedAsObject() {
        Object v = shell.eval("int a = 20;\nList<Integer> xs = List.of(a, a + 1);\nxs");
        assertThat(v).isEqualTo(List.of(20, 21));
        assertThat(shell.eval("a * 2")).isEqualTo(40);
        assertThat(shell.eval("System.out.print(\"\");")).isNull();
    }

    @Test
    void methodsAndKernelClassesAreVisible() {
        shell.eval("int twice(int x) { return 2 * x; }");
        assertThat(shell.eval("twice(21)")).isEqualTo(42);
        assertThat(shell.eval("html(\"<b>x</b>\")")).isInstanceOf(dev.hearth.notebook.display.Html.class);
    }

    @Test
    void compileErrorsNameTheProblem() {
        assertThatThrownBy(() -> shell.eval("int b = \"text\";"))
                .isInstanceOf(CellException.class)
                .hasMessageContaining("incompatible types");
    }

    @Test
    void runtimeExceptionsFailWithTheirClassAndMessage() {
        assertThatThrownBy(() -> shell.eval("if (true) throw new IllegalStateException(\"boom\");"))
                .isInstanceOf(CellException.class)
                .hasMessage("java.lang.IllegalStateException: boom");
    }
}
