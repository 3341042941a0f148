package dev.edgeproxy.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SizesTest {

    @ParameterizedTest
    @CsvSource({"0,0", "1048576,1048576", "512K,524288", "512k,524288", "10M,10485760", "10MiB,10485760",
            "10MB,10485760", "1G,1073741824", "7b,7", " 2 M ,2097152"})
    void parses(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "-1", "1.5M", "10T", "ten", "99999999999999999999", "9999999999999G"})
    void refuses(String text) {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    }
}
