package dev.sonde.agent.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sonde.agent.values.Capture;
import dev.sonde.agent.values.Redaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy's redaction inside the probes, before anything is queued; the blocklists' matching. */
class RedactionInProbesTest {
  static final class User {
    String name = "ada";
    String password = "hunter2";
    String note = "write to ada@example.com";
  }

  private static Site site(Probe probe) {
    return new Site(probe, RedactionInProbesTest.class.getName(), RedactionInProbesTest.class.getClassLoader(), "m", 1, false,
        List.of(new Site.Local("user", 1, "Ljava/lang/Object;"), new Site.Local("apiKey", 2, "Ljava/lang/Object;")));
  }

  @Test
  void aLogRedactsSecretNamesAndSecretLookingValuesAndTheOperatorsOwn() throws Exception {
    Redaction redaction = new Redaction();
    RecordingSink sink = new RecordingSink();
    LogProbe probe = new LogProbe("a", "{user.name} {user.password} {apiKey} {user.note} {user}", "", null, sink, redaction);
    Object[] values = {new User(), "k-123"};
    probe.hit(site(probe), values);
    assertEquals("ada [redacted] [redacted] write to [redacted] RedactionInProbesTest.User { name: 'ada', password: [redacted], note: 'write to [redacted]' }", sink.lines.get(0));
    redaction.set(List.of("name"), List.of());
    probe.hit(site(probe), values);
    assertEquals("[redacted]", sink.lines.get(1).split(" ")[0], "the policy's name applies at the next hit");
  }

  @Test
  void aSnapshotRedactsTheSameWay() throws Exception {
    RecordingSink sink = new RecordingSink();
    SnapshotProbe probe = new SnapshotProbe("s", List.of(), "", null, sink, Capture.Limits.DEFAULT, 1, new Redaction());
    probe.hit(site(probe), new Object[] {new User(), "k-123"});
    List<Capture.Variable> locals = sink.snapshots.get(0).get(0).locals();
    Capture.Variable user = locals.get(0);
    assertEquals(List.of("name=ada", "password=[redacted]", "note=write to [redacted]"), user.children().stream().map(v -> v.name() + "=" + v.value()).toList());
    assertEquals("[redacted]", locals.get(1).value(), "apiKey by its name");
  }

  @Test
  void theBlocklistsMatchFilesByGlobAndMethodsByNameOrClassDotMethod() {
    Policy p = new Policy();
    p.set(List.of(), List.of(), List.of("**/secret/**", "Billing.kt"), List.of("login", "Accounts.reset"));
    assertEquals("src/secret/Keys.java is blocklisted by the policy (**/secret/**); no probe goes in it", p.blockReason("src/secret/Keys.java"));
    assertEquals("app/Billing.kt is blocklisted by the policy (Billing.kt); no probe goes in it", p.blockReason("app/Billing.kt"));
    assertNull(p.blockReason("app/MyBilling.kt"));
    assertEquals("function login is blocklisted by the policy; no probe goes in it", p.functionBlockReason("com.acme.Auth", "login"));
    assertEquals("function Accounts.reset is blocklisted by the policy; no probe goes in it", p.functionBlockReason("com.acme.Accounts", "reset"));
    assertNull(p.functionBlockReason("com.acme.Other", "reset"));
  }
}
