package io.fedstream.router.internal.projects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.RunState;
import io.fedstream.router.internal.projects.RunMachine.Cause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunMachineTest {

  @Test
  void docsShowTheTableOfTheCode() throws IOException {
    Path doc = Path.of(System.getProperty("fedstream.docs", "../docs")).resolve("projects.md");
    List<String> lines = Files.readAllLines(doc).stream().map(String::strip).toList();
    for (String row : RunMachine.markdown()) {
      assertTrue(lines.contains(row), "docs/projects.md lacks the row: " + row);
    }
  }

  @Test
  void finalStatesHaveNoWayOut() {
    for (RunState s : RunMachine.FINAL) {
      for (Cause c : Cause.values()) {
        assertTrue(RunMachine.find(s, c, true).isEmpty() && RunMachine.find(s, c, false).isEmpty(),
            s + " " + c);
      }
    }
  }

  @Test
  void aggregatedChoosesByTask() {
    assertEquals(RunState.RUNNING, RunMachine.find(RunState.AGGREGATING, Cause.AGGREGATED, false)
        .orElseThrow().to());
    assertEquals(RunState.PENDING_SUCCESS, RunMachine.find(RunState.AGGREGATING, Cause.AGGREGATED, true)
        .orElseThrow().to());
  }

  @Test
  void everyStateButStandbyIsReachedAndEveryStateIsLeftUnlessFinal() {
    for (RunState s : RunState.values()) {
      boolean reached = RunMachine.TABLE.stream().anyMatch(r -> r.to() == s);
      boolean left = RunMachine.TABLE.stream().anyMatch(r -> r.from().contains(s));
      assertEquals(s != RunState.STANDBY, reached, "reached " + s);
      assertEquals(!RunMachine.FINAL.contains(s), left, "left " + s);
    }
  }
}
