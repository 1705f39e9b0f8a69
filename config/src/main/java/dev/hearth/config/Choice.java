package dev.hearth.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An enum constant that is one allowed word of a choice setting ({@code train.approach=direct}). The word is what
 * users write in {@code conf/} and {@code --set}; code switches on the constant.
 */
public interface Choice {
    /** The enum constant's name (enums implement it). */
    String name();

    /** The word users write: by default the constant's name in lower case, {@code _} written as {@code -}. */
    default String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The words of {@code type}'s constants, in declaration order. */
    static <E extends Enum<E> & Choice> List<String> words(Class<E> type) {
        return words(EnumSet.allOf(type));
    }

    /** The words of the {@code allowed} constants, in declaration order. */
    static <E extends Enum<E> & Choice> List<String> words(Set<E> allowed) {
        List<String> out = new ArrayList<>();
        for (E e : EnumSet.copyOf(allowed)) {
            out.add(e.word());
        }
        return List.copyOf(out);
    }

    /**
     * The constant of {@code type} whose word is {@code text} (case-insensitive).
     *
     * @throws SettingsException naming {@code key}, the value and the allowed words
     */
    static <E extends Enum<E> & Choice> E parse(String key, String text, Class<E> type) {
        return parse(key, text, EnumSet.allOf(type));
    }

    /**
     * The constant among {@code allowed} whose word is {@code text} (case-insensitive): a setting that allows only
     * some constants of an enum shared with other readers.
     *
     * @throws SettingsException naming {@code key}, the value and the allowed words
     */
    static <E extends Enum<E> & Choice> E parse(String key, String text, Set<E> allowed) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        for (E e : EnumSet.copyOf(allowed)) {
            if (e.word().equals(v)) {
                return e;
            }
        }
        throw new SettingsException(key + " must be one of " + words(allowed) + " but was '" + text.trim() + "'");
    }
}
