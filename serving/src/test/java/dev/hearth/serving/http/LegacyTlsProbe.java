package dev.hearth.serving.http;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Run in a child JVM whose {@code jdk.tls.disabledAlgorithms} allows TLS 1.0 and 1.1 again (the JDK forbids them
 * by default, which would hide whether the server's own policy refuses them). Starts two TLS connectors on the
 * same key store, Hearth's (default {@link TlsConnector.Policy}) and an unpinned control, and prints one line per
 * handshake: {@code <connector> <protocol> accepted|refused}.
 */
public final class LegacyTlsProbe {
    private LegacyTlsProbe() {}

    public static void main(String[] args) throws Exception {
        Path keyStore = Path.of(args[0]);
        String password = args[1];
        TlsConnector.Policy policy = TlsConnector.Policy.parse(args[2], args[3]);
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        ServerLimits limits = new ServerLimits(30_000, 10_000, 0, 100, 16, 100);
        ServerConnector ours = limits.connector(
                server,
                "127.0.0.1",
                0,
                TlsConnector.fromPkcs12(keyStore, password, policy).connectionFactories(http));
        SslContextFactory.Server unpinned = new SslContextFactory.Server();
        unpinned.setKeyStorePath(keyStore.toString());
        unpinned.setKeyStorePassword(password);
        unpinned.setKeyStoreType("PKCS12");
        unpinned.setExcludeCipherSuites(); // TLS 1.1 has only SHA-1 CBC suites, which Jetty leaves out by default
        ServerConnector control = new ServerConnector(
                server, new SslConnectionFactory(unpinned, "http/1.1"), new HttpConnectionFactory(http));
        control.setHost("127.0.0.1");
        server.addConnector(ours);
        server.addConnector(control);
        server.start();
        try {
            for (String protocol : List.of("TLSv1.1", "TLSv1", "TLSv1.2")) {
                System.out.println("hearth " + protocol + " " + handshake(ours.getLocalPort(), protocol));
                System.out.println("control " + protocol + " " + handshake(control.getLocalPort(), protocol));
            }
        } finally {
            server.stop();
        }
    }

    private static String handshake(int port, String protocol) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        // Only the protocol version is under test here, not the certificate.
        ctx.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            return "accepted " + socket.getSession().getProtocol();
        } catch (IOException e) {
            return "refused (" + e.getMessage() + ")";
        }
    }
}
