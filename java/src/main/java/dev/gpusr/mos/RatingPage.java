package dev.gpusr.mos;

/**
 * The HTML the rating server sends: the rating page (one image, the five ACR buttons, the hidden reference), the
 * thank-you page and short message pages. No inline script or style (the server's Content-Security-Policy allows
 * only its own /static files); everything interpolated is escaped.
 */
final class RatingPage {
    /** The absolute category rating scale of ITU-R BT.500 / ITU-T P.910, score 1 to 5. */
    static final String[] LABELS = {"Bad", "Poor", "Fair", "Good", "Excellent"};

    private RatingPage() {}

    static String rating(Study.Entry image, int position, int total, String csrf) {
        StringBuilder b = head("Image " + position + " of " + total);
        b.append("<header><h1>How good is the quality of this image?</h1>\n")
                .append("<p id=\"progress\">Image <b id=\"position\">").append(position).append("</b> of <b id=\"total\">")
                .append(total).append("</b></p>\n<progress value=\"").append(position - 1).append("\" max=\"").append(total)
                .append("\"></progress>\n<p class=\"help\">Rate each image on its own, as you would judge a photo. Keys: "
                        + "<kbd>1</kbd>&ndash;<kbd>5</kbd> rate, <kbd>R</kbd> shows or hides the original.</p></header>\n");
        b.append("<main><div class=\"images\">\n<figure id=\"test\"><img src=\"/image/").append(esc(image.id()))
                .append("\" width=\"").append(image.width()).append("\" height=\"").append(image.height())
                .append("\" alt=\"image to rate\"><figcaption>Image to rate</figcaption></figure>\n")
                .append("<figure id=\"reference\" hidden><img src=\"/image/").append(esc(image.reference()))
                .append("\" width=\"").append(image.width()).append("\" height=\"").append(image.height())
                .append("\" alt=\"original\"><figcaption>Original (reference)</figcaption></figure>\n</div>\n")
                .append("<noscript><p><a href=\"/image/").append(esc(image.reference()))
                .append("\" target=\"_blank\">Open the original</a></p></noscript></main>\n");
        b.append("<footer><form id=\"rate\" method=\"post\" action=\"/rate\">\n")
                .append("<input type=\"hidden\" name=\"image\" value=\"").append(esc(image.id())).append("\">\n")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(esc(csrf)).append("\">\n")
                .append("<div class=\"scale\">\n");
        for (int s = 1; s <= 5; s++) {
            b.append("<button type=\"submit\" name=\"score\" value=\"").append(s).append("\" id=\"score-").append(s)
                    .append("\" class=\"s").append(s).append("\"><kbd>").append(s).append("</kbd> ")
                    .append(LABELS[s - 1]).append("</button>\n");
        }
        b.append("</div>\n<button type=\"button\" id=\"toggle-reference\" aria-pressed=\"false\">Show original "
                + "<kbd>R</kbd></button>\n</form></footer>\n");
        return tail(b);
    }

    static String thanks(int total) {
        StringBuilder b = head("Thank you");
        b.append("<main class=\"message\" id=\"thanks\"><h1>Thank you!</h1>\n<p>You have rated all ").append(total)
                .append(" images. Your ratings are saved; you can close this page.</p></main>\n");
        return tail(b);
    }

    static String message(String title, String text, boolean continueLink) {
        StringBuilder b = head(title);
        b.append("<main class=\"message\"><h1>").append(esc(title)).append("</h1>\n<p>").append(esc(text)).append("</p>\n");
        if (continueLink) b.append("<p><a href=\"/\">Continue</a></p>\n");
        b.append("</main>\n");
        return tail(b);
    }

    private static StringBuilder head(String title) {
        return new StringBuilder(4096).append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(esc(title)).append(" &ndash; image quality rating</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/static/mos.css\">\n")
                .append("<script src=\"/static/mos.js\" defer></script></head>\n<body>\n");
    }

    private static String tail(StringBuilder b) {
        return b.append("</body></html>\n").toString();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
