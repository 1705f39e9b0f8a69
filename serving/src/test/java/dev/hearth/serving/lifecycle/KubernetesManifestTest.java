package dev.hearth.serving.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.config.Setting;
import dev.hearth.serving.ServingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/k8s cannot run here: its YAML is parsed and the fields that matter are checked against the server (probe
 * paths, ports, settings it passes, the token Secret and store mounts, the drain fitting the grace period, the HPA
 * and the Prometheus adapter naming what the server exports).
 */
class KubernetesManifestTest {
    private static final Path K8S =
            Path.of(System.getProperty("hearth.root", "..")).resolve("deploy/k8s");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> docs(String file) throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object d : yaml.loadAll(Files.readString(K8S.resolve(file)))) {
            out.add((Map<String, Object>) d);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object o = node;
        for (String p : path) {
            o = o instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) o).get(p);
            assertThat(o).as("field %s", String.join(".", path)).isNotNull();
        }
        return (T) o;
    }

    @Test
    void deploymentProbesDrainAndMountsMatchTheServer() throws Exception {
        Map<String, Object> deployment = docs("deployment.yaml").get(0);
        assertThat(at(deployment, "kind").toString()).isEqualTo("Deployment");
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        Map<String, Object> c = at(pod, "containers", "0");
        assertThat(at(c, "readinessProbe", "httpGet", "path").toString()).isEqualTo("/v2/health/ready");
        assertThat(at(c, "livenessProbe", "httpGet", "path").toString()).isEqualTo("/v2/health/live");
        assertThat(at(c, "readinessProbe", "httpGet", "port").toString()).isEqualTo("http");
        Map<String, Object> port = at(c, "ports", "0");
        assertThat(port.get("name")).isEqualTo("http");

        List<String> args = at(c, "args");
        Map<String, String> set = new java.util.HashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            assertThat(args.get(i)).isEqualTo("--set");
            String[] kv = args.get(i + 1).split("=", 2);
            set.put(kv[0], kv[1]);
        }
        List<String> known = ServingSettings.ALL.stream().map(Setting::key).toList();
        assertThat(known).containsAll(set.keySet());
        assertThat(Integer.parseInt(set.get(ServingSettings.PORT))).isEqualTo(port.get("containerPort"));
        assertThat(set.get(ServingSettings.HOST)).isEqualTo("0.0.0.0");
        List<Map<String, Object>> env = at(c, "env");
        List<String> envNames = env.stream().map(e -> e.get("name").toString()).toList();
        for (String value : set.values()) {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("\\$\\(([A-Z_]+)\\)").matcher(value);
            while (m.find()) {
                assertThat(envNames).as("env referenced by %s", value).contains(m.group(1));
            }
        }

        // The token file comes from the Secret mounted where auth.tokens.file points.
        List<Map<String, Object>> mounts = at(c, "volumeMounts");
        List<Map<String, Object>> volumes = at(pod, "volumes");
        Path tokens = Path.of(set.get(ServingSettings.TOKENS_FILE));
        Map<String, Object> tokenMount = mounts.stream()
                .filter(m -> tokens.startsWith(Path.of(m.get("mountPath").toString())))
                .findFirst()
                .orElseThrow();
        Map<String, Object> tokenVolume = volumes.stream()
                .filter(v -> v.get("name").equals(tokenMount.get("name")))
                .findFirst()
                .orElseThrow();
        String secretName = at(tokenVolume, "secret", "secretName");
        Map<String, Object> storeVolume = volumes.stream()
                .filter(v -> v.containsKey("persistentVolumeClaim"))
                .findFirst()
                .orElseThrow();
        String claim = at(storeVolume, "persistentVolumeClaim", "claimName");
        String storeRoot = env.stream()
                .filter(e -> e.get("name").equals("HEARTH_STORE_ROOT"))
                .findFirst()
                .orElseThrow()
                .get("value")
                .toString();
        assertThat(mounts)
                .anyMatch(m -> m.get("name").equals(storeVolume.get("name"))
                        && Path.of(storeRoot)
                                .startsWith(Path.of(m.get("mountPath").toString())));
        List<Map<String, Object>> others = docs("store-and-config.yaml");
        assertThat(others)
                .anyMatch(d -> d.get("kind").equals("Secret")
                        && at(d, "metadata", "name").equals(secretName)
                        && ((Map<?, ?>) d.get("stringData"))
                                .containsKey(tokens.getFileName().toString()));
        assertThat(others)
                .anyMatch(d -> d.get("kind").equals("PersistentVolumeClaim")
                        && at(d, "metadata", "name").equals(claim));

        // preStop, then the drain, then the graceful stop must fit the grace period.
        List<String> preStop = at(c, "lifecycle", "preStop", "exec", "command");
        long preStopMs = 1000L * Long.parseLong(preStop.get(preStop.size() - 1));
        long drain = Long.parseLong(set.getOrDefault(ServingSettings.DRAIN_MS, "5000"));
        long shutdown = Long.parseLong(ServingSettings.ALL.stream()
                .filter(s -> s.key().equals(ServingSettings.SHUTDOWN_TIMEOUT_MS))
                .findFirst()
                .orElseThrow()
                .defaultValue());
        int grace = at(pod, "terminationGracePeriodSeconds");
        assertThat(1000L * grace).isGreaterThanOrEqualTo(preStopMs + drain + shutdown);
        assertThat(at(c, "resources", "requests", "cpu").toString()).isNotBlank();
        assertThat(at(c, "resources", "limits", "memory").toString()).isNotBlank();
    }

    @Test
    void serviceHpaAndAdapterPointAtTheDeploymentAndItsMetrics() throws Exception {
        Map<String, Object> deployment = docs("deployment.yaml").get(0);
        Map<String, Object> labels = at(deployment, "spec", "template", "metadata", "labels");
        Map<String, Object> service = docs("service.yaml").get(0);
        Map<String, Object> selector = at(service, "spec", "selector");
        assertThat(labels).containsAllEntriesOf(selector);
        assertThat(at(service, "spec", "ports", "0", "targetPort").toString()).isEqualTo("http");

        Map<String, Object> hpa = docs("hpa.yaml").get(0);
        assertThat(at(hpa, "spec", "scaleTargetRef", "name").toString()).isEqualTo(at(deployment, "metadata", "name"));
        List<Map<String, Object>> metrics = at(hpa, "spec", "metrics");
        assertThat(metrics).anyMatch(m -> "cpu".equals(((Map<?, ?>) m.getOrDefault("resource", Map.of())).get("name")));
        String podsMetric = metrics.stream()
                .filter(m -> m.get("type").equals("Pods"))
                .findFirst()
                .map(m -> at(m, "pods", "metric", "name").toString())
                .orElseThrow();
        Map<String, Object> adapter = docs("prometheus-adapter-values.yaml").get(0);
        Map<String, Object> rule = at(adapter, "rules", "custom", "0");
        assertThat(at(rule, "name", "as").toString()).isEqualTo(podsMetric);
        // The series the adapter reads is the one the server exports (ServingMetrics: hearth_requests_seconds).
        assertThat(at(rule, "seriesQuery").toString()).contains("hearth_requests_seconds_count");
    }
}
