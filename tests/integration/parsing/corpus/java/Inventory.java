package com.example.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An inventory of items of one type.
 *
 * @param <T> the item type
 */
public class Inventory<T extends Comparable<T>> {
    private final List<T> items = new ArrayList<>();

    /** Creates an empty inventory. */
    public Inventory() {
    }

    /**
     * Adds an item.
     * @param item the item to add
     */
    @Deprecated
    @SuppressWarnings("unchecked")
    public void add(T item) {
        items.add(item);
    }

    // A line comment is not Javadoc.
    public <R> List<R> map(java.util.function.Function<T, R> fn) {
        List<R> out = new ArrayList<>();
        for (T item : items) {
            out.add(fn.apply(item));
        }
        return out;
    }

    public int count(Predicate<T> filter) {
        Runnable noop = new Runnable() {
            @Override
            public void run() {
            }
        };
        noop.run();
        return (int) items.stream().filter(filter).count();
    }

    /** Where an item is kept. */
    public static class Slot {
        int index;

        Slot(int index) {
            this.index = index;
        }
    }

    interface Visitor<T> {
        void visit(T item);

        default void done() {
        }
    }

    enum State {
        OPEN, CLOSED;

        boolean isOpen() {
            return this == OPEN;
        }
    }

    /** A point in stock. */
    record Entry(String name, int quantity) {
        Entry {
            if (quantity < 0) throw new IllegalArgumentException();
        }
    }
}
