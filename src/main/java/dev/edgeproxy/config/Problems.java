package dev.edgeproxy.config;

import java.util.ArrayList;
import java.util.List;

/** Every configuration problem found so far, each as {@code route 'NAME': FIELD: message}. */
public final class Problems {

    private final List<String> all = new ArrayList<>();
    private String route = "";

    /** Which route the following problems belong to, as it reads in messages. */
    public void route(String where) {
        this.route = where;
    }

    public void at(String field, String message) {
        all.add(route + ": " + field + ": " + message);
    }

    public int count() {
        return all.size();
    }

    public List<String> all() {
        return List.copyOf(all);
    }
}
