package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.tributary.producer.ProducerSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Subscribers never outnumber the topic's partitions (tributary.kafka.partitions in the producer's ConfigMap): a
 * subscriber beyond them gets no partition. Not by the replica count, nor the autoscaler's maximum, nor a surge
 * pod during a rolling update.
 */
class SubscriberScalingTest {

    static final List<String> SITES = Site.NAMES;

    @TempDir
    Path directory;

    @ParameterizedTest
    @FieldSource("SITES")
    void subscribersNeverOutnumberThePartitions(String name) {
        Site site = Site.render(name);
        int partitions = partitions(site);
        Deployment subscribers = site.deployment("es-subscriber");
        Optional<HorizontalPodAutoscaler> autoscaler = site.autoscaler("es-subscriber");
        if (autoscaler.isPresent()) {
            assertNull(subscribers.getSpec().getReplicas(), "the autoscaler owns the replica count");
            assertEquals("es-subscriber", autoscaler.get().getSpec().getScaleTargetRef().getName());
            int maxReplicas = autoscaler.get().getSpec().getMaxReplicas();
            assertTrue(maxReplicas <= partitions, name + ": autoscaler maxReplicas " + maxReplicas
                    + " > tributary.kafka.partitions " + partitions);
            assertTrue(autoscaler.get().getSpec().getMinReplicas() <= maxReplicas, name + ": minReplicas > max");
        } else {
            int replicas = subscribers.getSpec().getReplicas();
            assertTrue(replicas <= partitions, name + ": es-subscriber replicas " + replicas
                    + " > tributary.kafka.partitions " + partitions);
        }
        assertEquals(0, subscribers.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal(),
                "a surge pod would be one subscriber too many");
    }

    @ParameterizedTest
    @FieldSource("SITES")
    void drainsTakeSubscribersOneAtATime(String name) {
        Site site = Site.render(name);
        PodDisruptionBudget budget = site.all(PodDisruptionBudget.class).stream()
                .filter(candidate -> candidate.getMetadata().getName().equals("es-subscriber")).findFirst()
                .orElseThrow(() -> new AssertionError(name + " has no PodDisruptionBudget es-subscriber"));
        assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal());
        assertEquals(site.deployment("es-subscriber").getSpec().getSelector(), budget.getSpec().getSelector());
    }

    @ParameterizedTest
    @FieldSource("SITES")
    void theProducerIsReplacedByRecreateNeverRolled(String name) {
        Deployment producer = Site.render(name).deployment("etl-producer");
        assertEquals("Recreate", producer.getSpec().getStrategy().getType(),
                "a rolling update would wait for a new producer that waits on the old one's slot lock");
        assertTrue(producer.getSpec().getReplicas() <= 2, "one active producer and at most one standby");
    }

    private int partitions(Site site) {
        ContainerLaunch producer = ContainerLaunch.of(site, "etl-producer");
        return ProducerSettings.load(producer.writeConfig(directory), producer.environment()).target().partitions();
    }
}
