package dev.hearth.notebook.display;

import java.awt.image.BufferedImage;
import java.util.List;

/** Greyscale thumbnails of image rows (e.g. 28x28 Fashion-MNIST pixels, 0-255) and HTML galleries of them. */
public final class Images {
    private Images() {}

    /** One image, each pixel drawn {@code scale} x {@code scale}; values in 0-255 (larger = darker ink). */
    public static Png greyscale(float[] pixels, int width, int height, int scale) {
        if (pixels.length != width * height) {
            throw new IllegalArgumentException("image of " + width + "x" + height + " needs " + width * height
                    + " pixels but got " + pixels.length);
        }
        BufferedImage img = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = 255 - Math.max(0, Math.min(255, Math.round(pixels[y * width + x])));
                int rgb = (v << 16) | (v << 8) | v;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return new Png(Plots.encode(img));
    }

    /**
     * A row-wrapped gallery: each square image with its caption underneath (HTML, captions escaped).
     *
     * @param images square images as flat pixel rows
     * @param captions one per image; a caption starting with {@code "!"} is shown in red (e.g. a wrong prediction)
     */
    public static Html gallery(List<float[]> images, List<String> captions) {
        if (images.size() != captions.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + captions.size() + " captions");
        }
        StringBuilder html = new StringBuilder("<div style=\"display:flex;flex-wrap:wrap;gap:8px\">");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < images.size(); i++) {
            float[] px = images.get(i);
            int side = (int) Math.round(Math.sqrt(px.length));
            String caption = captions.get(i);
            boolean wrong = caption.startsWith("!");
            String shown = wrong ? caption.substring(1) : caption;
            html.append("<figure style=\"margin:0;text-align:center;font-size:11px\">")
                    .append("<img src=\"data:image/png;base64,")
                    .append(greyscale(px, side, side, 3).base64())
                    .append("\"/><figcaption style=\"color:")
                    .append(wrong ? "#c00" : "#222")
                    .append("\">")
                    .append(Html.escape(shown))
                    .append("</figcaption></figure>");
            text.append(i).append(": ").append(shown).append('\n');
        }
        return new Html(html.append("</div>").toString(), text.toString());
    }
}
