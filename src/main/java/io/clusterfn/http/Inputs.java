package io.clusterfn.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one function's input, once and strictly: a body is exactly one JSON object with no
 * duplicate key and nothing after it; a query may name only the input's fields, each once. Every
 * mistake is {@code 400 INVALID_INPUT} naming its field.
 */
final class Inputs {
    private final String function;
    private final ObjectMapper json;
    private final ObjectReader reader;
    /** The input's fields and their types, to read a query's text values as the right JSON. */
    private final Map<String, JavaType> fields = new HashMap<>();

    Inputs(String function, Type inputType, ObjectMapper json) {
        this.function = function;
        this.json = json;
        JavaType type = json.constructType(inputType);
        this.reader = json.readerFor(type);
        BeanDescription description = json.getDeserializationConfig().introspect(type);
        for (BeanPropertyDefinition field : description.findProperties()) {
            fields.put(field.getName(), field.getPrimaryType());
        }
    }

    Object fromBody(Buffer body) {
        if (body == null || body.length() == 0) {
            return read(JsonNodeFactory.instance.objectNode());
        }
        try (JsonParser parser = new OneObject(json.getFactory().createParser(body.getBytes()))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.invalidInput("body", "must be a JSON object");
            }
            Object input = reader.readValue(parser);
            if (parser.nextToken() != null) {
                throw ApiException.invalidInput("body", "must be exactly one JSON object, with nothing after it");
            }
            return input;
        } catch (JacksonException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw ApiException.invalidInput("body", "could not be read");
        }
    }

    Object fromQuery(MultiMap params) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (String name : params.names()) {
            List<String> values = params.getAll(name);
            JavaType type = fields.get(name);
            if (type == null) {
                throw ApiException.invalidInput(name, "is not a parameter of " + function);
            }
            if (values.size() > 1) {
                throw ApiException.invalidInput(name, "is given more than once");
            }
            String value = values.get(0);
            if (type.isTypeOrSubTypeOf(Number.class) || type.isPrimitive() && type.getRawClass() != boolean.class) {
                try {
                    node.put(name, Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw ApiException.invalidInput(name, "must be an integer");
                }
            } else if (type.getRawClass() == Boolean.class || type.getRawClass() == boolean.class) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw ApiException.invalidInput(name, "must be true or false");
                }
                node.put(name, Boolean.parseBoolean(value));
            } else {
                node.put(name, value);
            }
        }
        return read(node);
    }

    private Object read(ObjectNode node) {
        try {
            return reader.readValue(node);
        } catch (JacksonException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw ApiException.invalidInput("body", "could not be read");
        }
    }

    /** What a failed read tells the client, by the kind of failure and the path of the field. */
    private ApiException refusal(JacksonException e) {
        if (e instanceof DuplicateKeyException duplicate) {
            return ApiException.invalidInput(duplicate.key, "is given more than once");
        }
        if (e instanceof JsonMappingException mapping) {
            ApiException own = StoreFailures.apiException(mapping);
            if (own != null) {
                return own;
            }
            String field = pathOf(mapping);
            if (mapping instanceof Text.NotPrintableException) {
                return ApiException.invalidInput(field, Text.RULE);
            }
            if (mapping instanceof UnrecognizedPropertyException) {
                return ApiException.invalidInput(field, "is not a field of " + function);
            }
            if (mapping instanceof MismatchedInputException mismatch && !field.isEmpty()) {
                return ApiException.invalidInput(field, "must be " + kindOf(mismatch.getTargetType()));
            }
            return ApiException.invalidInput(field.isEmpty() ? "body" : field, "has the wrong shape");
        }
        if (e instanceof JsonParseException) {
            return ApiException.invalidInput("body", "is not valid JSON");
        }
        return ApiException.invalidInput("body", "could not be read");
    }

    private static String pathOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
    }

    private static String kindOf(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type == long.class || type == int.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /** A key given twice in one object: JSON allows it, but which value counts would be a guess. */
    static final class DuplicateKeyException extends JsonParseException {
        final String key;

        DuplicateKeyException(JsonParser parser, String key) {
            super(parser, "duplicate key " + key);
            this.key = key;
        }
    }

    /** Refuses a key given twice in any object of the body. */
    private static final class OneObject extends JsonParserDelegate {
        private final Deque<Set<String>> keys = new ArrayDeque<>();

        OneObject(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = super.nextToken();
            if (token == JsonToken.START_OBJECT) {
                keys.push(new HashSet<>());
            } else if (token == JsonToken.END_OBJECT && !keys.isEmpty()) {
                keys.pop();
            } else if (token == JsonToken.FIELD_NAME && !keys.isEmpty() && !keys.peek().add(currentName())) {
                throw new DuplicateKeyException(this, currentName());
            }
            return token;
        }

        // The delegate would pass these straight to the wrapped parser, past the key check.
        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            if (currentToken() == JsonToken.START_OBJECT || currentToken() == JsonToken.START_ARRAY) {
                for (int depth = 1; depth > 0; ) {
                    JsonToken token = nextToken();
                    if (token == null) {
                        break;
                    }
                    depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
                }
            }
            return this;
        }
    }
}
