package io.clusterfn.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;

/**
 * The Text rule: every string an input carries (names, endpoints, transfer ids, attribute keys
 * and values, ...) is printable Unicode. A control character (U+0000..U+001F, U+007F) or a lone
 * surrogate is refused while the input is read, naming the field.
 */
public final class Text {
    static final String RULE = "must be printable text: no control characters and no lone surrogates";

    private Text() {
    }

    public static boolean isPrintable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Reads every string of an input, and every map key, through the rule. */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("clusterfn-text");
        module.addDeserializer(String.class, new StringDeserializer() {
            @Override
            public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return checked(p, super.deserialize(p, ctxt));
            }
        });
        module.addKeyDeserializer(String.class, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
                return checked(ctxt.getParser(), key);
            }
        });
        return module;
    }

    private static String checked(JsonParser p, String value) throws NotPrintableException {
        if (value != null && !isPrintable(value)) {
            throw new NotPrintableException(p);
        }
        return value;
    }

    /** A string that breaks the rule; Jackson adds the path of its field on the way out. */
    static final class NotPrintableException extends MismatchedInputException {
        NotPrintableException(JsonParser p) {
            super(p, "not printable text", String.class);
        }
    }
}
