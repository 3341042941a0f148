/** One HTTP answer as read from the wire: status, the first few KB of the body, and whether the connection ends. */
record Response(int status, String body, boolean close) {
}
