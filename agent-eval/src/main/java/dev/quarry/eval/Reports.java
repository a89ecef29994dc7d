package dev.quarry.eval;

/** Small text helpers of the reports. */
final class Reports {

    private Reports() {}

    static String abbreviate(String text, int max) {
        String flat = text.replace('\n', ' ');
        return flat.length() <= max ? flat : flat.substring(0, max) + "...";
    }

    static String html(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    static String markdown(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
