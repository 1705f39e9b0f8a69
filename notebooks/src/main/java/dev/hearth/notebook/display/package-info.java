/**
 * What notebooks show: PNG charts (JFreeChart), HTML tables of store contents, image thumbnails, and
 * {@link dev.hearth.notebook.display.Display#display(Object)}. Pure rendering of values Hearth's modules return; no
 * training, store or serving logic.
 */
package dev.hearth.notebook.display;
