package dev.edgeproxy.config;

import java.util.ArrayList;
import java.util.List;

/** Every configuration problem found so far, each as {@code route 'NAME': FIELD: message}. */
final class Problems {

    private final List<String> all = new ArrayList<>();
    private String route = "";

    /** Which route the following problems belong to, as it reads in messages. */
    void route(String where) {
        this.route = where;
    }

    void at(String field, String message) {
        all.add(route + ": " + field + ": " + message);
    }

    int count() {
        return all.size();
    }

    List<String> all() {
        return List.copyOf(all);
    }
}
