package io.tlscensus.spark;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/** The driver's Hadoop configuration (file systems, S3A credentials providers, ...) shipped to tasks. */
final class SerializableConfiguration implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient Configuration value;

    SerializableConfiguration(Configuration value) {
        this.value = value;
    }

    Configuration value() {
        return value;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        value.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException {
        value = new Configuration(false);
        value.readFields(in);
    }
}
