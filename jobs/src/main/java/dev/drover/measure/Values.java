package dev.drover.measure;

import java.math.BigDecimal;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Batch metrics keep numbers as decimals; an aggregate's value goes back to the type Spark gave it. */
final class Values {
    private Values() {}

    static Object typed(BigDecimal value, DataType type) {
        if (value == null) {
            return null;
        }
        if (type.equals(DataTypes.LongType)) {
            return value.longValueExact();
        }
        if (type.equals(DataTypes.IntegerType)) {
            return value.intValueExact();
        }
        if (type.equals(DataTypes.ShortType)) {
            return value.shortValueExact();
        }
        if (type.equals(DataTypes.ByteType)) {
            return value.byteValueExact();
        }
        if (type.equals(DataTypes.DoubleType)) {
            return value.doubleValue();
        }
        if (type.equals(DataTypes.FloatType)) {
            return value.floatValue();
        }
        if (type instanceof DecimalType) {
            return value;
        }
        throw new IllegalStateException("an aggregate of type " + type.simpleString() + " cannot be kept per batch");
    }
}
