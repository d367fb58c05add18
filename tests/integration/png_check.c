/*
 * png_check.c: say whether a screenshot shows something. Prints
 * "WIDTHxHEIGHT colours=N nonwhite=PERCENT" for a PNG file, read with
 * libpng's simplified API; exits 1 when it cannot be read.
 *
 * usage: png-check FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

/* Sort order of RGBA words. */
static int
by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Read the file as RGBA, count distinct colours and pixels that are not (near) white. */
int
main(int argc, char **argv)
{
	png_image img;
	uint32_t *px;
	size_t n, i, colours = 0, nonwhite = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: png-check FILE\n");
		return 2;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, argv[1])) {
		fprintf(stderr, "png-check: %s: %s\n", argv[1], img.message);
		return 1;
	}
	img.format = PNG_FORMAT_RGBA;
	n = (size_t)img.width * img.height;
	px = malloc(n * sizeof(uint32_t) + 1);
	if (px == NULL || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		fprintf(stderr, "png-check: %s: %s\n", argv[1], px ? img.message : "no memory");
		return 1;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *c = (const uint8_t *)&px[i];

		if (c[0] < 245 || c[1] < 245 || c[2] < 245)
			nonwhite++;
	}
	qsort(px, n, sizeof(uint32_t), by_value);
	for (i = 0; i < n; i++)
		if (i == 0 || px[i] != px[i - 1])
			colours++;
	printf("%ux%u colours=%zu nonwhite=%.2f\n", img.width, img.height, colours,
	    n ? 100.0 * (double)nonwhite / (double)n : 0.0);
	free(px);
	return 0;
}
