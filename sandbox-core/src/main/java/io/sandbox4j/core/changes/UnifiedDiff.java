package io.sandbox4j.core.changes;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two line lists (longest common subsequence, three lines of context), as {@code
 * diff -u} prints it. Above {@link #MAX_CELLS} line pairs the whole old text is shown removed and
 * the new added: correct, only less compact.
 */
final class UnifiedDiff {
  static final long MAX_CELLS = 16_000_000L;
  private static final int CONTEXT = 3;

  private UnifiedDiff() {}

  /** One line of the edit script: ' ', '-' or '+'. */
  private record Edit(char op, String line, int oldLine, int newLine) {}

  /** The hunks ("@@ -a,b +c,d @@" and lines), empty when the texts are equal. */
  static List<String> hunks(List<String> a, List<String> b) {
    List<Edit> script = script(a, b);
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < script.size()) {
      if (script.get(i).op() == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - CONTEXT);
      // extend while changes are at most 2*CONTEXT lines apart
      int last = i;
      for (int j = i; j < script.size(); j++) {
        if (script.get(j).op() != ' ') {
          last = j;
        } else if (j - last > 2 * CONTEXT) {
          break;
        }
      }
      int end = Math.min(script.size() - 1, last + CONTEXT);
      int oldStart = 0;
      int newStart = 0;
      int oldCount = 0;
      int newCount = 0;
      List<String> body = new ArrayList<>();
      for (int j = start; j <= end; j++) {
        Edit e = script.get(j);
        if (e.op() != '+') {
          if (oldCount++ == 0) {
            oldStart = e.oldLine();
          }
        }
        if (e.op() != '-') {
          if (newCount++ == 0) {
            newStart = e.newLine();
          }
        }
        body.add(e.op() + e.line());
      }
      if (oldCount == 0) {
        oldStart = firstOld(script, start) - 1;
      }
      if (newCount == 0) {
        newStart = firstNew(script, start) - 1;
      }
      out.add("@@ -" + range(oldStart, oldCount) + " +" + range(newStart, newCount) + " @@");
      out.addAll(body);
      i = end + 1;
    }
    return out;
  }

  private static int firstOld(List<Edit> script, int from) {
    for (int j = from; j < script.size(); j++) {
      if (script.get(j).op() != '+') {
        return script.get(j).oldLine();
      }
    }
    return script.stream().filter(e -> e.op() != '+').mapToInt(Edit::oldLine).max().orElse(0) + 1;
  }

  private static int firstNew(List<Edit> script, int from) {
    for (int j = from; j < script.size(); j++) {
      if (script.get(j).op() != '-') {
        return script.get(j).newLine();
      }
    }
    return script.stream().filter(e -> e.op() != '-').mapToInt(Edit::newLine).max().orElse(0) + 1;
  }

  private static String range(int start, int count) {
    return count == 1 ? Integer.toString(start) : start + "," + count;
  }

  /** Counts of removed and added lines. */
  static int[] stat(List<String> a, List<String> b) {
    int[] c = new int[2];
    for (Edit e : script(a, b)) {
      if (e.op() == '-') {
        c[0]++;
      } else if (e.op() == '+') {
        c[1]++;
      }
    }
    return c;
  }

  private static List<Edit> script(List<String> a, List<String> b) {
    // common prefix and suffix first: most edits are small
    int pre = 0;
    while (pre < a.size() && pre < b.size() && a.get(pre).equals(b.get(pre))) {
      pre++;
    }
    int suf = 0;
    while (suf < a.size() - pre
        && suf < b.size() - pre
        && a.get(a.size() - 1 - suf).equals(b.get(b.size() - 1 - suf))) {
      suf++;
    }
    int n = a.size() - pre - suf;
    int m = b.size() - pre - suf;
    List<Edit> out = new ArrayList<>();
    for (int k = 0; k < pre; k++) {
      out.add(new Edit(' ', a.get(k), k + 1, k + 1));
    }
    if ((long) n * m > MAX_CELLS) {
      for (int k = 0; k < n; k++) {
        out.add(new Edit('-', a.get(pre + k), pre + k + 1, 0));
      }
      for (int k = 0; k < m; k++) {
        out.add(new Edit('+', b.get(pre + k), 0, pre + k + 1));
      }
    } else {
      int[][] lcs = new int[n + 1][m + 1];
      for (int x = n - 1; x >= 0; x--) {
        for (int y = m - 1; y >= 0; y--) {
          lcs[x][y] =
              a.get(pre + x).equals(b.get(pre + y))
                  ? lcs[x + 1][y + 1] + 1
                  : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
        }
      }
      int x = 0;
      int y = 0;
      while (x < n || y < m) {
        if (x < n && y < m && a.get(pre + x).equals(b.get(pre + y))) {
          out.add(new Edit(' ', a.get(pre + x), pre + x + 1, pre + y + 1));
          x++;
          y++;
        } else if (x < n && (y == m || lcs[x + 1][y] >= lcs[x][y + 1])) {
          out.add(new Edit('-', a.get(pre + x), pre + x + 1, 0));
          x++;
        } else {
          out.add(new Edit('+', b.get(pre + y), 0, pre + y + 1));
          y++;
        }
      }
    }
    for (int k = 0; k < suf; k++) {
      int ai = a.size() - suf + k;
      int bi = b.size() - suf + k;
      out.add(new Edit(' ', a.get(ai), ai + 1, bi + 1));
    }
    return out;
  }
}
