package io.tributary.subscriber;

import io.tributary.ops.ServiceLauncher;

/**
 * {@code java -jar es-subscriber.jar --config subscriber.conf}: consumes until SIGTERM (graceful: the current
 * batch is applied and committed) or a failure (exit status 1; a restart resumes from the last committed offsets).
 * A configuration mistake exits with status 2 and a message naming the key.
 */
public final class SubscriberMain {

    private SubscriberMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceLauncher.run("es-subscriber", args, file -> SubscriberSettings.load(file, System.getenv()),
                SubscriberSettings::httpPort, EsSubscriber::new);
    }
}
