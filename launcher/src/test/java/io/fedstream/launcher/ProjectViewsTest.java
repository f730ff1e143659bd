package io.fedstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectViewsTest {

  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void viewsNeedARunningPlatformOrAClusterAndSayWhich() {
    for (List<String> args : List.of(List.of("sites"), List.of("projects"), List.of("runs", "p"),
        List.of("logs", "p.1", "--site", "s"))) {
      String[] a = new java.util.ArrayList<>(args) {{ add("--data-dir"); add(dir.toString()); }}.toArray(String[]::new);
      Run r = run(a);
      assertEquals(3, r.exit(), args + ": " + r.err());
      assertTrue(r.err().contains("fedstream up"), r.err());
      assertFalse(r.err().contains("\tat "), r.err());
    }
    assertEquals(2, run("runs", "--data-dir", dir.toString()).exit(), "PROJECT is required");
    assertEquals(2, run("sites", "--bootstrap", "127.0.0.1:1").exit(), "--bootstrap needs --registry");
  }

  @Test
  void theProjectDemoIsListedAndChecksItsOptions() {
    Run list = run("demo", "--list");
    assertEquals(0, list.exit());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("project ")), list.out());
    Run noRouter = run("demo", "project", "--no-router", "--data-dir", dir.toString());
    assertEquals(2, noRouter.exit(), noRouter.err());
    assertTrue(noRouter.err().contains("--namespace"), noRouter.err());
  }

  @Test
  void tablesAlignTheirColumns() {
    String t = ProjectViews.table(List.of("A", "LONGER"), List.of(List.of("x-long-value", "y")));
    assertEquals(List.of("A             LONGER", "x-long-value  y"), t.lines().toList());
    assertTrue(ProjectViews.table(List.of("A"), List.of()).endsWith("(none)"));
  }
}
