# The es-subscriber image: its runnable jar on a Java 17 JRE, run as an unprivileged user.
# Build from the repository root, after `mvn -B package -DskipTests` made es-subscriber/target/es-subscriber.jar:
#   docker build -f deploy/docker/es-subscriber.Dockerfile -t tributary/es-subscriber:0.1.0-SNAPSHOT .
# Arguments go to the service: `--config /etc/tributary/subscriber.conf` (Kubernetes mounts its ConfigMap there), or
# none to run on the defaults and TRIBUTARY_… environment variables alone (deploy/compose.yaml does).
FROM eclipse-temurin:17-jre

# A numeric uid, so Kubernetes' runAsNonRoot can verify it; the same uid as runAsUser in deploy/k8s.
RUN groupadd --system --gid 10001 tributary \
 && useradd --system --uid 10001 --gid tributary --no-create-home --shell /usr/sbin/nologin tributary

COPY es-subscriber/target/es-subscriber.jar /opt/tributary/es-subscriber.jar

USER 10001:10001

# tributary.http.port: /metrics, /health/live, /health/ready.
EXPOSE 8081

# The JVM sizes itself from the container's limits:
#   -XX:MaxRAMPercentage=50      heap = half the memory limit (512Mi in deploy/k8s: 256 MiB, the benchmarked -Xmx);
#                                the other half is for metaspace, code cache, thread stacks and direct buffers
#   -XX:+UseG1GC                 the collector the benchmarks ran (the JVM picks Serial below 2 CPUs or 1792 MiB)
#   -XX:+ExitOnOutOfMemoryError  a JVM out of memory exits, and is restarted, instead of limping on
# More options: JAVA_TOOL_OPTIONS. Exec form: java is PID 1 and gets SIGTERM, so the service stops gracefully.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/tributary/es-subscriber.jar"]
