package dev.drover.ledger;

import static java.util.Objects.requireNonNull;

import dev.drover.model.Labelled;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One append-only Delta table of the ledger (or the outbox) and the record type of its rows.
 * Columns are the record's components in snake case ({@code runId} → {@code run_id}), typed from
 * the component: text, whole numbers, booleans, {@link Instant} (timestamp), {@link Labelled}
 * enums (their label), {@link Optional} of these (null when empty). Rows map to records by column
 * name, so the table may hold its columns in any order, and a column a table does not have yet
 * (an older table) reads as empty.
 */
public final class LedgerTable<R extends Record> {
    private final String name;
    private final Class<R> type;
    private final RecordComponent[] components;
    private final String[] columns;
    private final StructType schema;
    private final Constructor<R> constructor;

    public LedgerTable(String name, Class<R> type) {
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
        this.components = type.getRecordComponents();
        this.columns = Arrays.stream(components).map(c -> snake(c.getName())).toArray(String[]::new);
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < components.length; i++) {
            fields.add(DataTypes.createStructField(columns[i], sparkType(components[i]), true));
        }
        this.schema = new StructType(fields.toArray(StructField[]::new));
        try {
            this.constructor = type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type + " has no canonical constructor", e);
        }
    }

    public String name() {
        return name;
    }

    public StructType schema() {
        return schema;
    }

    public Row toRow(R record) {
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Object value;
            try {
                value = components[i].getAccessor().invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + type.getSimpleName() + "." + components[i].getName(), e);
            }
            values[i] = toColumn(value instanceof Optional<?> o ? o.orElse(null) : value);
        }
        return RowFactory.create(values);
    }

    public R fromRow(Row row) {
        List<String> present = List.of(row.schema().fieldNames());
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Object raw = present.contains(columns[i]) ? row.get(row.fieldIndex(columns[i])) : null;
            args[i] = fromColumn(raw, components[i]);
        }
        try {
            return constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ledger table " + name + " holds a row " + type.getSimpleName() + " refuses: " + row, e);
        }
    }

    private static Object toColumn(Object value) {
        if (value instanceof Instant instant) {
            return Timestamp.from(instant);
        }
        if (value instanceof Labelled labelled) {
            return labelled.label();
        }
        return value;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object fromColumn(Object raw, RecordComponent component) {
        Class<?> declared = component.getType();
        if (declared == Optional.class) {
            Class<?> inner = optionalOf(component);
            return raw == null ? Optional.empty() : Optional.of(convert(raw, inner));
        }
        if (raw == null) {
            if (declared == long.class) {
                return 0L;
            }
            if (declared == int.class) {
                return 0;
            }
            if (declared == boolean.class) {
                return false;
            }
            if (declared == double.class) {
                return 0.0;
            }
            return declared == String.class ? "" : null;
        }
        return convert(raw, declared);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(Object raw, Class<?> to) {
        if (to == Instant.class) {
            return ((Timestamp) raw).toInstant();
        }
        if (to.isEnum() && Labelled.class.isAssignableFrom(to)) {
            return Labelled.parse((Class) to, (String) raw);
        }
        if ((to == long.class || to == Long.class) && raw instanceof Number n) {
            return n.longValue();
        }
        if ((to == int.class || to == Integer.class) && raw instanceof Number n) {
            return n.intValue();
        }
        return raw;
    }

    private static DataType sparkType(RecordComponent component) {
        Class<?> type = component.getType() == Optional.class ? optionalOf(component) : component.getType();
        if (type == String.class || (type.isEnum() && Labelled.class.isAssignableFrom(type))) {
            return DataTypes.StringType;
        }
        if (type == long.class || type == Long.class) {
            return DataTypes.LongType;
        }
        if (type == int.class || type == Integer.class) {
            return DataTypes.IntegerType;
        }
        if (type == boolean.class || type == Boolean.class) {
            return DataTypes.BooleanType;
        }
        if (type == double.class || type == Double.class) {
            return DataTypes.DoubleType;
        }
        if (type == Instant.class) {
            return DataTypes.TimestampType;
        }
        throw new IllegalArgumentException("no ledger column type for " + component);
    }

    private static Class<?> optionalOf(RecordComponent component) {
        Type generic = component.getGenericType();
        if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        throw new IllegalArgumentException("an Optional ledger column needs a concrete type: " + component);
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
