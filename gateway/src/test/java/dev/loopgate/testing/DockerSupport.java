package dev.loopgate.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * What the container tests share: a real Docker engine (from {@code DOCKER_HOST}; {@code .ci/run} starts a
 * loopback-only one), the local base images {@code docker/base-image.sh} builds, and the loopgate image built once
 * per test run from {@code docker/Dockerfile}. Without an engine the tests are skipped, saying why — unless
 * {@code LOOPGATE_REQUIRE_DOCKER} is set, when that is a failure.
 */
public final class DockerSupport {
    public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    public static final String JRE_IMAGE =
            System.getenv().getOrDefault("LOOPGATE_TEST_JRE_IMAGE", "loopgate-test/debian-jre:17");
    public static final String JDK_IMAGE =
            System.getenv().getOrDefault("LOOPGATE_TEST_JDK_IMAGE", "loopgate-test/debian-jdk:17");
    private static String image;

    private DockerSupport() {}

    /** Skips (or fails, when required) unless an engine answers and the base images are there. */
    public static void requireEngine() {
        String why = null;
        if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
            why = "no Docker engine: DOCKER_HOST is not set and /var/run/docker.sock does not exist"
                    + " (.ci/run starts one with docker/engine.sh)";
        } else if (!DockerClientFactory.instance().isDockerAvailable()) {
            why = "the Docker engine at " + System.getenv().getOrDefault("DOCKER_HOST", "/var/run/docker.sock")
                    + " does not answer";
        } else {
            for (String base : List.of(JRE_IMAGE, JDK_IMAGE)) {
                if (!exists(base)) {
                    why = "the base image " + base + " is missing: run docker/base-image.sh";
                }
            }
        }
        if (why != null && System.getenv("LOOPGATE_REQUIRE_DOCKER") != null) {
            throw new AssertionError(why);
        }
        Assumptions.assumeTrue(why == null, "skipped: " + why);
    }

    private static boolean exists(String name) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(name).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The image of {@code docker/Dockerfile}, built on the local base images (once per run). */
    public static synchronized String loopgateImage() {
        if (image == null) {
            image = new ImageFromDockerfile("loopgate-it:latest", false)
                    .withDockerfilePath("docker/Dockerfile")
                    .withFileFromPath("mvnw", REPO.resolve("mvnw"))
                    .withFileFromPath(".mvn", REPO.resolve(".mvn"))
                    .withFileFromPath("pom.xml", REPO.resolve("pom.xml"))
                    .withFileFromPath("gateway/pom.xml", REPO.resolve("gateway/pom.xml"))
                    .withFileFromPath("gateway/src/main", REPO.resolve("gateway/src/main"))
                    .withFileFromPath("docker/Dockerfile", REPO.resolve("docker/Dockerfile"))
                    .withFileFromPath("docker/loopgate.yaml", REPO.resolve("docker/loopgate.yaml"))
                    .withFileFromPath("docker/healthcheck.sh", REPO.resolve("docker/healthcheck.sh"))
                    .withFileFromPath("docker/train-cds.sh", REPO.resolve("docker/train-cds.sh"))
                    .withBuildArg("BUILD_IMAGE", JDK_IMAGE)
                    .withBuildArg("RUNTIME_IMAGE", JRE_IMAGE)
                    .withBuildImageCmdModifier(cmd -> cmd.withNetworkMode("host"))
                    .get();
        }
        return image;
    }

    /** The group of the engine's socket, which the non-root gateway needs to read it. */
    public static String socketGroup(Path socket) throws Exception {
        return String.valueOf(Files.getAttribute(socket, "unix:gid"));
    }

    /** The engine's socket on this machine. */
    public static Path socket() {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        return Path.of(host.replaceFirst("^unix://", ""));
    }

    /** Image size in MiB, for the record in docs/docker.md. */
    public static long sizeMiB(String name) {
        Long size = DockerClientFactory.instance()
                .client()
                .inspectImageCmd(name)
                .exec()
                .getSize();
        return size == null ? -1 : size / (1024 * 1024);
    }
}
