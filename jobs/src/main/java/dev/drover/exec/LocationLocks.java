package dev.drover.exec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per table location in this application. Appends racing to create the same Delta
 * table conflict; writes to different tables need not wait for each other.
 */
public final class LocationLocks {
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public <T> T with(String location, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(location, l -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
