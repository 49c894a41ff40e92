package dev.drover.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.view.Render;
import java.util.Arrays;
import java.util.TreeMap;
import org.apache.spark.deploy.SparkSubmitArguments;
import scala.collection.JavaConverters;

/**
 * Stands in for spark-submit in {@link SubmitExamplesTest}: Spark's own argument parser reads
 * the arguments (and refuses what spark-submit would refuse, exit 1), and what it understood is
 * printed as JSON. No application is started.
 */
public final class ParseSubmitArgs {
    private ParseSubmitArgs() {}

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putIfAbsent("HADOOP_CONF_DIR", System.getProperty("java.io.tmpdir"));   // what a YARN client must have
        SparkSubmitArguments parsed;
        try {
            scala.collection.immutable.Map<String, String> scalaEnv = new scala.collection.immutable.HashMap<>();
            for (var e : env.entrySet()) {
                scalaEnv = scalaEnv.$plus(new scala.Tuple2<>(e.getKey(), e.getValue()));
            }
            parsed = new SparkSubmitArguments(JavaConverters.asScalaBuffer(Arrays.asList(args)).toSeq(), scalaEnv);
        } catch (RuntimeException e) {
            System.err.println("spark-submit would refuse: " + e.getMessage());
            System.exit(1);
            return;
        }
        ObjectNode node = Render.JSON.createObjectNode();
        node.put("master", parsed.master()).put("deployMode", parsed.deployMode()).put("mainClass", parsed.mainClass())
                .put("primaryResource", parsed.primaryResource()).put("packages", parsed.packages());
        ObjectNode conf = node.putObject("conf");
        new TreeMap<>(JavaConverters.mapAsJavaMap(parsed.sparkProperties())).forEach(conf::put);
        var childArgs = node.putArray("args");
        JavaConverters.seqAsJavaList(parsed.childArgs()).forEach(childArgs::add);
        System.out.println(Render.JSON.writeValueAsString(node));
    }
}
