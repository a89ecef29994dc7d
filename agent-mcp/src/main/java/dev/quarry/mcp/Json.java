package dev.quarry.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The Jackson mapper of this module. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
}
