package dev.drover.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A notebook in Databricks' source format: a first line {@code -- Databricks notebook source}
 * (SQL) or {@code // Databricks notebook source} (Scala), cells separated by
 * {@code COMMAND ----------} lines, markdown cells as {@code MAGIC} comment lines. The code cells,
 * in order, are what a run executes.
 */
record Notebook(Path file, String language, List<String> cells) {
    static Notebook read(Path file) throws IOException {
        String text = Files.readString(file).replace("\r\n", "\n");
        String comment;
        String language;
        if (text.startsWith("-- Databricks notebook source\n")) {
            comment = "--";
            language = "sql";
        } else if (text.startsWith("// Databricks notebook source\n")) {
            comment = "//";
            language = "scala";
        } else {
            throw new IllegalArgumentException(file + ": not a Databricks source notebook (first line)");
        }
        String body = text.substring(text.indexOf('\n') + 1);
        List<String> cells = new ArrayList<>();
        for (String cell : body.split("\n" + comment + " COMMAND ----------\n", -1)) {
            List<String> lines = Arrays.stream(cell.split("\n")).filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty() || lines.stream().allMatch(l -> l.startsWith(comment + " MAGIC"))) {
                continue;   // markdown
            }
            cells.add(cell.strip());
        }
        return new Notebook(file, language, List.copyOf(cells));
    }
}
