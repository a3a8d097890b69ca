// EPUBCheck for the test suite, in one Java process per pytest worker (tests/conftest.py,
// epubcheck()): each line read is "EPUB path<TAB>report path"; EPUBCheck's own command
// line (com.adobe.epubcheck.tool.EpubChecker, what `java -jar epubcheck.jar` runs) checks
// the EPUB and writes its JSON report, and the line "careprint-epubcheck-done <status>"
// follows on stdout. Each EPUB gets a new EpubChecker, so no check sees another's state.
// Started with `java -cp epubcheck.jar EpubCheckLoop.java` (Java 11 runs a source file).
// A Java start costs about 3.8 s of CPU, and the suite checks EPUBs over a hundred times.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class EpubCheckLoop {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] paths = line.split("\t", 2);
      int status;
      try {
        status = new EpubChecker().run(new String[] {paths[0], "--json", paths[1]});
      } catch (RuntimeException e) {
        e.printStackTrace();
        status = -1;
      }
      System.out.println("careprint-epubcheck-done " + status);
      System.out.flush();
    }
  }
}
