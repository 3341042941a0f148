package dev.edgeproxy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.compile.RouteCompiler;
import dev.edgeproxy.config.GatewayConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code k8s/} from rotting: every manifest is read into fabric8's typed Kubernetes model, any
 * field the schema does not know fails the test (fabric8 would otherwise keep it aside silently), and
 * the operational promises of the deployment are checked: probes on the management port, non-root,
 * read-only root filesystem, no privilege escalation, all capabilities dropped, config mounted
 * read-only and named by QUARKUS_CONFIG_LOCATIONS, the management port reachable only from the
 * namespace. The example route file must compile.
 */
class KubernetesManifestsTest {

    private static final Path BASE = Path.of("k8s/base");
    private static final Path SERVERLESS = Path.of("k8s/overlays/serverless");
    private static final Path CERT_MANAGER = Path.of("k8s/overlays/cert-manager");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void kustomizationsReferenceFilesThatExist() throws IOException {
        for (Path dir : List.of(BASE, SERVERLESS, CERT_MANAGER)) {
            JsonNode k = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
            List<String> refs = new ArrayList<>();
            k.path("resources").forEach(r -> refs.add(r.asText()));
            k.path("patches").forEach(p -> refs.add(p.path("path").asText()));
            k.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> refs.add(f.asText())));
            assertFalse(refs.isEmpty(), dir + " references nothing");
            for (String ref : refs) {
                assertTrue(Files.exists(dir.resolve(ref)), dir + "/kustomization.yaml references missing " + ref);
            }
        }
    }

    @Test
    void deploymentRunsHardenedWithProbesOnTheManagementPort() throws IOException {
        Deployment deployment = load(BASE.resolve("deployment.yaml"), Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), deployment.getSpec().getTemplate().getMetadata().getLabels());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        Container c = pod.getContainers().get(0);
        assertHardened(c);

        int management = port(c, "management");
        assertEquals(9000, management);
        assertEquals(8080, port(c, "http"));
        assertHealthProbe(c.getStartupProbe(), "/q/health/started");
        assertHealthProbe(c.getReadinessProbe(), "/q/health/ready");
        assertHealthProbe(c.getLivenessProbe(), "/q/health/live");

        Quantity request = c.getResources().getRequests().get("memory");
        Quantity limit = c.getResources().getLimits().get("memory");
        assertTrue(Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit)) <= 0);
        assertNotNull(c.getResources().getRequests().get("cpu"));

        assertConfigMounted(c, pod.getVolumes());
    }

    @Test
    void serviceTargetsTheHttpAndHttpsPorts() throws IOException {
        Service service = load(BASE.resolve("service.yaml"), Service.class);
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertEquals(443, service.getSpec().getPorts().get(1).getPort());
        assertEquals("https", service.getSpec().getPorts().get(1).getTargetPort().getStrVal());
        assertEquals(Map.of("app.kubernetes.io/name", "edge-proxy"), service.getSpec().getSelector());
    }

    /**
     * HTTPS on 8443 with the certificate of a kubernetes.io/tls Secret, mounted read-only where listener.yaml (named
     * by QUARKUS_CONFIG_LOCATIONS, with the routes) points Quarkus' TLS properties; the cert-manager overlay issues
     * that Secret.
     */
    @Test
    void theTlsSecretIsMountedWhereTheListenerSettingsPointAndHttpsIsExposed() throws IOException {
        Deployment deployment = load(BASE.resolve("deployment.yaml"), Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertEquals(8443, port(c, "https"));
        Volume tls = pod.getVolumes().stream().filter(v -> v.getName().equals("tls")).findFirst().orElseThrow();
        assertEquals("edge-proxy-tls", tls.getSecret().getSecretName());
        VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals("tls")).findFirst().orElseThrow();
        assertTrue(mount.getReadOnly(), "TLS secret mounted read-only");
        VolumeMount listenerMount = c.getVolumeMounts().stream().filter(m -> m.getName().equals("listener"))
                .findFirst().orElseThrow();
        String locations = c.getEnv().stream().filter(e -> e.getName().equals("QUARKUS_CONFIG_LOCATIONS"))
                .findFirst().orElseThrow().getValue();
        assertTrue(List.of(locations.split(",")).contains(listenerMount.getMountPath() + "/listener.yaml"), locations);

        JsonNode listener = YAML.readTree(BASE.resolve("listener.yaml").toFile());
        assertEquals(8443, listener.at("/quarkus/http/ssl-port").asInt());
        JsonNode pem = listener.at("/quarkus/tls/key-store/pem");
        assertEquals(1, pem.size());
        JsonNode entry = pem.elements().next();
        assertEquals(mount.getMountPath() + "/tls.crt", entry.path("cert").asText());
        assertEquals(mount.getMountPath() + "/tls.key", entry.path("key").asText());

        JsonNode certificate = YAML.readTree(CERT_MANAGER.resolve("certificate.yaml").toFile());
        assertEquals("cert-manager.io/v1", certificate.path("apiVersion").asText());
        assertEquals("Certificate", certificate.path("kind").asText());
        assertEquals("edge-proxy-tls", certificate.at("/spec/secretName").asText());
    }

    /**
     * The proxy port is open to anyone; the management port (health, metrics, explain) only to pods of
     * the same namespace; and no rule admits every port, which would open management too.
     */
    @Test
    void networkPolicyOpensTheProxyPortAndKeepsManagementInTheNamespace() throws IOException {
        NetworkPolicy policy = load(BASE.resolve("networkpolicy.yaml"), NetworkPolicy.class);
        Deployment deployment = load(BASE.resolve("deployment.yaml"), Deployment.class);
        Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(deployment.getSpec().getTemplate().getMetadata().getLabels(),
                policy.getSpec().getPodSelector().getMatchLabels(), "selects the proxy's pods");
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());

        Map<String, List<NetworkPolicyPeer>> fromByPort = new java.util.HashMap<>();
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            assertFalse(rule.getPorts() == null || rule.getPorts().isEmpty(), "a rule without ports admits every port");
            for (NetworkPolicyPort p : rule.getPorts()) {
                String name = p.getPort().getStrVal();
                assertNotNull(name, "ports by name, as the container declares them");
                port(c, name); // the container has it
                assertTrue(fromByPort.put(name, rule.getFrom() == null ? List.of() : rule.getFrom()) == null,
                        "one rule per port: " + name);
            }
        }
        assertEquals(Set.of("http", "https", "management"), fromByPort.keySet());
        assertEquals(List.of(), fromByPort.get("http"), "the proxy port admits any source");
        assertEquals(List.of(), fromByPort.get("https"), "the HTTPS proxy port admits any source");
        List<NetworkPolicyPeer> management = fromByPort.get("management");
        assertEquals(1, management.size(), "management admits one kind of peer");
        NetworkPolicyPeer peer = management.get(0);
        assertNotNull(peer.getPodSelector(), "peers are pods");
        assertTrue(peer.getPodSelector().getMatchLabels() == null || peer.getPodSelector().getMatchLabels().isEmpty());
        assertTrue(peer.getPodSelector().getMatchExpressions() == null || peer.getPodSelector().getMatchExpressions().isEmpty());
        assertEquals(null, peer.getNamespaceSelector(), "without a namespaceSelector: this namespace only");
        assertEquals(null, peer.getIpBlock(), "no address range");
    }

    @Test
    void autoscalerAndDisruptionBudgetTargetTheDeployment() throws IOException {
        HorizontalPodAutoscaler hpa = load(BASE.resolve("hpa.yaml"), HorizontalPodAutoscaler.class);
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals("edge-proxy", hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() >= 2, "at least two replicas so a disruption leaves one");
        PodDisruptionBudget pdb = load(BASE.resolve("pdb.yaml"), PodDisruptionBudget.class);
        assertEquals(Map.of("app.kubernetes.io/name", "edge-proxy"), pdb.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void knativeServiceScalesToZeroWithTheSameHardenedPod() throws IOException {
        JsonNode ksvc = YAML.readTree(SERVERLESS.resolve("knative-service.yaml").toFile());
        assertEquals("serving.knative.dev/v1", ksvc.path("apiVersion").asText());
        assertEquals("Service", ksvc.path("kind").asText());
        assertEquals("0", ksvc.at("/spec/template/metadata/annotations").path("autoscaling.knative.dev/min-scale").asText());
        // A Knative RevisionSpec is a PodSpec plus a few fields of its own.
        var revision = (com.fasterxml.jackson.databind.node.ObjectNode) ksvc.at("/spec/template/spec").deepCopy();
        revision.remove(List.of("containerConcurrency", "timeoutSeconds", "responseStartTimeoutSeconds", "idleTimeoutSeconds"));
        PodSpec pod = strict(Serialization.unmarshal(YAML.writeValueAsString(revision), PodSpec.class), "knative pod");
        Container c = pod.getContainers().get(0);
        assertHardened(c);
        assertTrue(c.getSecurityContext().getRunAsNonRoot());
        assertEquals(8080, c.getPorts().get(0).getContainerPort());
        assertConfigMounted(c, pod.getVolumes());
    }

    @Test
    void exampleRouteConfigurationCompiles() throws IOException {
        var config = new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("k8s gateway.yaml", Files.readString(BASE.resolve("gateway.yaml"))))
                .withMapping(GatewayConfig.class)
                .build()
                .getConfigMapping(GatewayConfig.class);
        // The file names the JWKS where the pod mounts it; point it at the copy beside the manifests.
        String jwks = Files.readString(BASE.resolve("jwks.json"));
        var withLocalKeys = new SmallRyeConfigBuilder()
                .withSources(new YamlConfigSource("k8s gateway.yaml",
                        Files.readString(BASE.resolve("gateway.yaml")).replace(
                                "file: /etc/edge-proxy/jwks/jwks.json", "inline: '" + jwks.replace("\n", "") + "'")))
                .withMapping(GatewayConfig.class)
                .build()
                .getConfigMapping(GatewayConfig.class);
        assertEquals(1, config.routes().orElseThrow().size());
        assertEquals(1, RouteCompiler.compile(withLocalKeys, new CelEnvironment()).routes().size());
    }

    @Test
    void kustomizeRendersTheExpectedResources() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl (with its built-in kustomize) is not installed");
        assertEquals(List.of("ConfigMap/edge-proxy-jwks", "ConfigMap/edge-proxy-listener", "ConfigMap/edge-proxy-routes",
                "Deployment/edge-proxy",
                "HorizontalPodAutoscaler/edge-proxy", "NetworkPolicy/edge-proxy", "PodDisruptionBudget/edge-proxy",
                "Service/edge-proxy"),
                kustomize(BASE));
        // The overlay keeps the configuration and swaps Deployment, Service, HPA, PDB and NetworkPolicy for a
        // Knative Service.
        assertEquals(List.of("ConfigMap/edge-proxy-jwks", "ConfigMap/edge-proxy-listener", "ConfigMap/edge-proxy-routes",
                "Service/edge-proxy"),
                kustomize(SERVERLESS));
        // The cert-manager overlay is the base plus the Certificate that issues its TLS Secret.
        List<String> withCertificate = new ArrayList<>(kustomize(BASE));
        withCertificate.add("Certificate/edge-proxy");
        withCertificate.sort(null);
        assertEquals(withCertificate, kustomize(CERT_MANAGER));
    }

    // --- helpers --------------------------------------------------------------------------------

    /** Renders a kustomization with kubectl and lists its resources as sorted {@code Kind/name}. */
    private static List<String> kustomize(Path dir) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        List<String> kinds = new ArrayList<>();
        for (JsonNode doc : YAML.readValues(YAML.createParser(out), JsonNode.class).readAll()) {
            kinds.add(doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText());
            if (doc.path("kind").asText().equals("Deployment")) {
                strict(Serialization.unmarshal(YAML.writeValueAsString(doc), Deployment.class), "rendered Deployment");
            }
        }
        kinds.sort(null);
        return kinds;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static <T extends HasMetadata> T load(Path file, Class<T> type) throws IOException {
        T resource = Serialization.unmarshal(Files.readString(file), type);
        assertEquals(type.getSimpleName(), resource.getKind(), file + " kind");
        assertEquals("edge-proxy", resource.getMetadata().getName(), file + " name");
        return strict(resource, file.toString());
    }

    private static void assertHardened(Container c) {
        var sc = c.getSecurityContext();
        assertFalse(sc.getAllowPrivilegeEscalation(), "allowPrivilegeEscalation");
        assertTrue(sc.getReadOnlyRootFilesystem(), "readOnlyRootFilesystem");
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), "capabilities dropped");
    }

    private static void assertHealthProbe(Probe probe, String path) {
        assertNotNull(probe, path);
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("management", probe.getHttpGet().getPort().getStrVal());
    }

    private static void assertConfigMounted(Container c, List<Volume> volumes) {
        String locations = c.getEnv().stream().filter(e -> e.getName().equals("QUARKUS_CONFIG_LOCATIONS"))
                .findFirst().orElseThrow().getValue();
        VolumeMount routes = c.getVolumeMounts().stream().filter(m -> m.getName().equals("routes")).findFirst().orElseThrow();
        assertTrue(locations.startsWith(routes.getMountPath() + "/"), "config file lives in the routes mount");
        assertTrue(routes.getReadOnly(), "routes mounted read-only");
        VolumeMount jwks = c.getVolumeMounts().stream().filter(m -> m.getName().equals("jwks")).findFirst().orElseThrow();
        assertTrue(jwks.getReadOnly(), "jwks mounted read-only");
        Set<String> declared = Set.copyOf(volumes.stream().map(Volume::getName).toList());
        for (VolumeMount m : c.getVolumeMounts()) {
            assertTrue(declared.contains(m.getName()), "volume " + m.getName() + " is declared");
        }
        assertEquals("edge-proxy-routes", volumes.stream().filter(v -> v.getName().equals("routes")).findFirst()
                .orElseThrow().getConfigMap().getName());
    }

    private static int port(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError("no port named " + name));
    }

    /** Fails when any object in the tree carries a field the Kubernetes model does not define. */
    private static <T> T strict(T root, String where) {
        List<String> unknown = new ArrayList<>();
        walk(root, where, unknown, new IdentityHashMap<>());
        assertTrue(unknown.isEmpty(), "fields unknown to the Kubernetes schema: " + unknown);
        return root;
    }

    private static void walk(Object node, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = m.invoke(node);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add(path + ": " + extra.keySet());
                    }
                } else {
                    walk(value, path + "." + m.getName().substring(3), unknown, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}
