package io.clusterfn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Settings the store keeps as JSON (a cluster's rules, quota, pricing, messaging policy), read into
 * their records once per text: the records are immutable values of their text, and the same few
 * texts come back with every access check, deploy and send.
 */
@ApplicationScoped
public class StoredJson {
    static final int CAPACITY = 1024;

    private final ObjectMapper json;
    private final ConcurrentHashMap<Class<?>, ConcurrentHashMap<String, Object>> read = new ConcurrentHashMap<>();

    public StoredJson(ObjectMapper json) {
        this.json = json;
    }

    public <T> T read(String text, Class<T> type) throws JsonProcessingException {
        ConcurrentHashMap<String, Object> known = read.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
        Object value = known.get(text);
        if (value == null) {
            value = json.readValue(text, type);
            if (known.size() >= CAPACITY) {
                known.clear();
            }
            known.put(text, value);
        }
        return type.cast(value);
    }
}
