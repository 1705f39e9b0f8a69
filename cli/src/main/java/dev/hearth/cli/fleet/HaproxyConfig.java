package dev.hearth.cli.fleet;

import java.util.List;

/**
 * HAProxy's configuration for a fleet, rendered from the template {@code conf/haproxy.cfg}: {@code @PORT@} becomes
 * the balancer's port, the line holding {@code @SERVERS@} becomes one {@code server rI 127.0.0.1:PORT} line per
 * replica, and a stats frontend (its CSV is the balancer's view of each replica) is appended.
 */
final class HaproxyConfig {
    private HaproxyConfig() {}

    /** The configuration for {@code replicaPorts} (replica I at index I - 1) behind {@code balancerPort}. */
    static String render(String template, int balancerPort, int statsPort, List<Integer> replicaPorts) {
        StringBuilder b = new StringBuilder();
        for (String line : template.split("\n", -1)) {
            if (line.contains("@SERVERS@")) {
                for (int i = 1; i <= replicaPorts.size(); i++) {
                    b.append("    server ")
                            .append(serverName(i))
                            .append(" 127.0.0.1:")
                            .append(replicaPorts.get(i - 1))
                            .append('\n');
                }
            } else {
                b.append(line.replace("@PORT@", Integer.toString(balancerPort))).append('\n');
            }
        }
        // split keeps the text after the template's last newline: an empty last piece is not a line of its own.
        if (template.endsWith("\n") || template.isEmpty()) {
            b.setLength(b.length() - 1);
        }
        b.append("frontend stats\n")
                .append("    bind 127.0.0.1:")
                .append(statsPort)
                .append('\n')
                .append("    stats enable\n")
                .append("    stats uri /stats\n")
                .append("    stats refresh 5s\n");
        return b.toString();
    }

    /** HAProxy's name of replica {@code i}, also its {@code server.replica.id}. */
    static String serverName(int i) {
        return "r" + i;
    }
}
