import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.ResultSetRewindable;
import org.apache.jena.query.Syntax;
import org.apache.jena.riot.RDFDataMgr;

/**
 * Runs SPARQL 1.1 SELECT queries with Jena ARQ on in-memory datasets, in one JVM.
 *
 * <p>Arguments: DATA.nq QUERY.rq... [DATA.nq QUERY.rq...]. Each N-Quads file is loaded and the
 * query files after it run on it; QUERY.rq gets QUERY.json (SPARQL JSON results) or QUERY.error
 * (the message). Each query prints one line: its path, a tab, and the seconds it took to run
 * and read every row (the load and the JSON output excluded), or "error".
 */
public class RunQueries {
    public static void main(String[] args) throws Exception {
        Dataset data = null;
        for (String arg : args) {
            if (arg.endsWith(".nq")) {
                data = RDFDataMgr.loadDataset(arg);
                continue;
            }
            String stem = arg.substring(0, arg.length() - ".rq".length());
            String text = Files.readString(Path.of(arg));
            long start = System.nanoTime();
            try (QueryExecution run = QueryExecutionFactory.create(
                    QueryFactory.create(text, Syntax.syntaxSPARQL_11), data)) {
                ResultSetRewindable rows = ResultSetFactory.copyResults(run.execSelect());
                double seconds = (System.nanoTime() - start) / 1e9;
                try (OutputStream out = Files.newOutputStream(Path.of(stem + ".json"))) {
                    ResultSetFormatter.outputAsJSON(out, rows);
                }
                System.out.println(arg + "\t" + seconds);
            } catch (RuntimeException err) {
                Files.writeString(Path.of(stem + ".error"), err.toString());
                System.out.println(arg + "\terror");
            }
        }
    }
}
