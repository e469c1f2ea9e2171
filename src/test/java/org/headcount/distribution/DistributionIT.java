package org.headcount.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.Deployment;
import org.headcount.testing.Distribution;
import org.headcount.testing.Eventually;
import org.headcount.testing.FreePort;
import org.headcount.testing.Http;
import org.headcount.testing.Receiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The black-box suite against one real container distribution: every contract's tests, run against the WAR deployed
 * once in that container's own JVM, which is always stopped afterwards. One subclass per distribution.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DistributionIT implements PixelContract, AdminContract, LiveContract, StreamContract, ServedContract {

    private static final String FINAL_KEY = "counted-just-before-the-stop";
    private Receiver receiver;
    private DeployedServer server;
    private long startedNanos;

    abstract Distribution distribution();

    @BeforeAll
    void deploy() throws Exception {
        startedNanos = System.nanoTime();
        receiver = new Receiver();
        server = distribution().deploy(DeployedWar.settings(receiver));
        System.out.printf("%s: deployed and healthy after %d ms%n", server, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    /** Runs even when deploy() or tests failed. */
    @AfterAll
    void undeploy() throws Exception {
        try {
            if (server != null) {
                // A hit counted just before the container stops reaches the receiver in the WAR's final flush.
                Http.get(server.uri("/pixel.gif?key=" + FINAL_KEY));
                server.close();
                Eventually.await(server + ": nothing listening once stopped", Duration.ofSeconds(10),
                        () -> !FreePort.listening(server.port()));
                assertEquals(1L, receiver.take(SOON).hits().get(FINAL_KEY),
                        server + ": stopping the container (SIGTERM) runs the final flush");
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
        System.out.printf("%s: suite done in %d ms, from start to stopped%n", distribution().name(),
                (System.nanoTime() - startedNanos) / 1_000_000);
    }

    @Override
    public Deployment server() {
        return server;
    }

    @Override
    public Receiver receiver() {
        return receiver;
    }
}
