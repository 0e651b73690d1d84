package dev.loopgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopgate.routing.Backend;
import dev.loopgate.testing.GatewayFixture;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A burst of refusals for one backend (a page's assets against a stopped dev server) shares one diagnosis. */
class RefusalDiagnosisTest {
    @Test
    void refusalsOfOneBackendWithinTheWindowShareOneDiagnosis() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (GatewayFixture gateway = GatewayFixture.start("services:\n  web: http://127.0.0.1:" + dead + "\n")) {
            AtomicLong now = new AtomicLong();
            RefusalDiagnosis diagnosis =
                    new RefusalDiagnosis(gateway.server().context().connector(), now::get);
            Backend backend =
                    gateway.routes().current().routeFor("web").backends().get(0);
            Problem refused = Problem.of(HttpResponseStatus.BAD_GATEWAY, "refused");
            List<Problem> answers = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(50);
            for (int i = 0; i < 50; i++) {
                diagnosis.explain(backend, gateway.server().healthLoop(), refused, Set.of(), p -> {
                    answers.add(p);
                    done.countDown();
                });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(diagnosis.made()).isEqualTo(1);
            assertThat(answers).hasSize(50).allSatisfy(p -> assertThat(p).isSameAs(answers.get(0)));

            now.addAndGet(RefusalDiagnosis.WINDOW.toNanos());
            CountDownLatch again = new CountDownLatch(1);
            diagnosis.explain(backend, gateway.server().healthLoop(), refused, Set.of(), p -> again.countDown());
            assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(diagnosis.made())
                    .as("a later refusal is diagnosed afresh")
                    .isEqualTo(2);
        }
    }
}
