/* graph.c: the failover graph as a Graphviz graph, written as DOT or laid out into SVG. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "graph.h"
#include "load_model.h"
#include "share_text.h"
#include "xalloc.h"

/* Node diameters in inches: the site of least and of most baseline load. */
#define GRAPH_DIAMETER_MIN 0.65
#define GRAPH_DIAMETER_MAX 1.6
/*
 * Up to this many sites dot lays the graph out, with edge labels that never
 * overlap; beyond it dot takes minutes (100 sites, 385 labelled edges: 2.5
 * min of CPU), so neato places the nodes apart and draws straight edges in
 * well under a second, labels placed at their middles.
 */
#define GRAPH_DOT_MAX_SITES 30
/* Edge widths in points: a share of 0 and of 1. */
#define GRAPH_PEN_MIN 1.0
#define GRAPH_PEN_MAX 7.0
/* The node that stands for targets that did not answer (no site name has parentheses). */
#define GRAPH_LOST "(lost)"

/*
 * LeakSanitizer: what Graphviz 2.43 keeps for good (gvContext's parse of
 * its plugin configuration, one buffer of a few kB; the frames below
 * libgvc are too shallow to name gvconfig, so the whole library is named)
 * and fontconfig's process-wide cache, reached through Graphviz's text
 * layout. Neither grows with use; everything this program allocates is
 * still checked. Unused without the sanitizers.
 */
/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c): LeakSanitizer's hook names */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\nleak:libfontconfig.so\n";
}

/* And no list of the suppressions used on every exit. */
const char *__lsan_default_options(void);
const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c) */

/* Fill colours by headroom, in enum graph_headroom order. */
static const char *const headroom_fill[] = { "#e4e4e4", "#a6d78f", "#f6c85f", "#e8645a" };

/* Per site index: the largest of its baseline load and its expected load in any scenario. */
double *
graph_worst_load(const struct failover_matrix *m, const struct tp_conf *conf)
{
	double *worst = xcalloc(m->nsites ? m->nsites : 1, sizeof(double));
	struct lm_scenario *lm;
	size_t n, i, k;

	for (i = 0; i < m->nsites; i++)
		worst[i] = m->sites[i].catchment_weight;
	lm = load_model_build(m, conf, &n);
	for (i = 0; i < n; i++)
		for (k = 0; k < lm[i].ndests; k++) {
			const struct lm_dest *d = &lm[i].dests[k];

			if (d->share > 0 && d->baseline + d->incoming > worst[d->site])
				worst[d->site] = d->baseline + d->incoming;
		}
	load_model_free(lm, n);
	return worst;
}

/* The headroom class of a site. */
enum graph_headroom
graph_headroom_of(double worst, double capacity)
{
	if (capacity <= 0)
		return HEADROOM_UNKNOWN;
	if (worst > capacity)
		return HEADROOM_OVER;
	return (capacity - worst) / capacity < GRAPH_TIGHT ? HEADROOM_TIGHT : HEADROOM_AMPLE;
}

/* Set an attribute, declaring it with an empty default when it is new. */
static void
set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, "");
}

/*
 * A label for DOT: backslashes doubled, so that no site name reads as an
 * escape like \N (agwrite itself quotes the string and its double quotes).
 */
static void
dot_label(char *buf, size_t len, const char *text)
{
	size_t o = 0;

	for (; *text != '\0' && o + 2 < len; text++) {
		if (*text == '\\')
			buf[o++] = '\\';
		buf[o++] = *text;
	}
	buf[o] = '\0';
}

/* The site's node: size by baseline load, fill by headroom, tooltip with the numbers. */
static Agnode_t *
site_node(Agraph_t *g, const struct failover_matrix *m, const struct tp_conf *conf,
    size_t i, double max_load, double worst)
{
	const struct mx_site *s = &m->sites[i];
	double cap = lm_capacity(conf, s), frac = max_load > 0 ? s->catchment_weight / max_load : 0;
	enum graph_headroom h = graph_headroom_of(worst, cap);
	char name[160], buf[320], num[32];
	Agnode_t *n;

	/* A name that is no identifier (a database may hold one) gets a neutral node id. */
	if (tp_name_valid(s->name))
		snprintf(buf, sizeof(buf), "%s", s->name);
	else
		snprintf(buf, sizeof(buf), "site%zu", i);
	n = agnode(g, buf, 1);

	dot_label(name, sizeof(name), s->name);
	snprintf(buf, sizeof(buf), "%s\\n%.0f", name, s->catchment_weight);
	set(n, "label", buf);
	snprintf(num, sizeof(num), "%.2f", sqrt(GRAPH_DIAMETER_MIN * GRAPH_DIAMETER_MIN +
	    (GRAPH_DIAMETER_MAX * GRAPH_DIAMETER_MAX - GRAPH_DIAMETER_MIN * GRAPH_DIAMETER_MIN) *
	    frac));
	set(n, "width", num);
	set(n, "fillcolor", headroom_fill[h]);
	set(n, "style", h == HEADROOM_UNKNOWN ? "filled,dashed" : "filled");
	if (cap > 0)
		snprintf(buf, sizeof(buf), "%s: baseline load %.1f, worst expected %.1f, "
		    "capacity %.1f", name, s->catchment_weight, worst, cap);
	else
		snprintf(buf, sizeof(buf), "%s: baseline load %.1f, capacity unknown", name,
		    s->catchment_weight);
	set(n, "tooltip", buf);
	return n;
}

/* An edge for a weighted share: width and label from the share. */
static void
share_edge(Agraph_t *g, Agnode_t *from, Agnode_t *to, double share, int lost)
{
	Agedge_t *e = agedge(g, from, to, NULL, 1);
	char buf[32];

	/* Blanks either side keep the text clear of a thick edge beside it. */
	buf[0] = buf[1] = ' ';
	share_text(share, buf + 2, sizeof(buf) - 4);
	strcat(buf, "  ");
	set(e, "label", buf);
	snprintf(buf, sizeof(buf), "%.2f", GRAPH_PEN_MIN + (GRAPH_PEN_MAX - GRAPH_PEN_MIN) * share);
	set(e, "penwidth", buf);
	if (lost) {
		set(e, "style", "dashed");
		set(e, "color", "#b03030");
	}
}

/* The whole graph: every site, then every single-site scenario's edges. */
static Agraph_t *
graph_build(const struct failover_matrix *m, const struct tp_conf *conf)
{
	Agraph_t *g = agopen("failover", Agdirected, NULL);
	Agnode_t **node = xcalloc(m->nsites ? m->nsites : 1, sizeof(Agnode_t *)), *lost = NULL;
	double *worst = graph_worst_load(m, conf), max_load = 0;
	size_t i, k;

	if (m->nsites <= GRAPH_DOT_MAX_SITES) {
		agattr(g, AGRAPH, "layout", "dot");
		agattr(g, AGRAPH, "rankdir", "LR");	/* pages are wider than tall */
		agattr(g, AGRAPH, "nodesep", "0.4");
		agattr(g, AGRAPH, "ranksep", "0.7");
	} else {
		agattr(g, AGRAPH, "layout", "neato");
		agattr(g, AGRAPH, "overlap", "false");
		agattr(g, AGRAPH, "sep", "+6");
	}
	agattr(g, AGRAPH, "fontname", "Helvetica");
	agattr(g, AGNODE, "shape", "circle");
	agattr(g, AGNODE, "fixedsize", "shape");
	agattr(g, AGNODE, "fontname", "Helvetica");
	agattr(g, AGNODE, "fontsize", "11");
	agattr(g, AGEDGE, "fontname", "Helvetica");
	agattr(g, AGEDGE, "fontsize", "10");
	agattr(g, AGEDGE, "color", "#44546a");
	for (i = 0; i < m->nsites; i++)
		if (m->sites[i].catchment_weight > max_load)
			max_load = m->sites[i].catchment_weight;
	for (i = 0; i < m->nsites; i++)
		node[i] = site_node(g, m, conf, i, max_load, worst[i]);
	for (k = 0; k < m->nscenarios; k++) {
		const struct mx_scenario *s = &m->scenarios[k];
		const struct mx_row *r = &m->rows[s->first_row];
		double lost_share;

		if (s->nsites != 1 || r->responsive_weight <= 0)
			continue;
		for (i = 0; i < m->nsites; i++)
			if (r->to[i] > 0 && i != s->sites[0])
				share_edge(g, node[s->sites[0]], node[i],
				    mx_share(r->to_weight[i], r->responsive_weight), 0);
		lost_share = mx_share(r->responsive_weight - r->answered_weight, r->responsive_weight);
		if (lost_share > 0) {
			if (lost == NULL) {
				lost = agnode(g, GRAPH_LOST, 1);
				set(lost, "shape", "box");
				set(lost, "style", "dashed");
				set(lost, "fixedsize", "false");
				set(lost, "label", "lost");
			}
			share_edge(g, node[s->sites[0]], lost, lost_share, 1);
		}
	}
	free(worst);
	free(node);
	return g;
}

/* Lay g out with dot and render it as SVG into out. */
static int
render_svg(Agraph_t *g, char **out, size_t *len, struct tp_err *err)
{
	GVC_t *gvc = gvContext();
	const char *engine = agget(g, "layout");
	unsigned int n = 0;
	char *data = NULL;
	int rc = -1;

	if (gvLayout(gvc, g, engine) != 0) {
		tp_err_set(err, "Graphviz could not lay out the failover graph (is its %s layout "
		    "plugin installed? Debian package libgvc6, then run dot -c)", engine);
		goto done;
	}
	if (gvRenderData(gvc, g, "svg", &data, &n) != 0 || data == NULL) {
		tp_err_set(err, "Graphviz could not render the failover graph as SVG");
	} else {
		*out = xmalloc((size_t)n + 1);
		memcpy(*out, data, n);
		(*out)[n] = '\0';
		*len = n;
		rc = 0;
	}
	gvFreeRenderData(data);
	gvFreeLayout(gvc, g);
done:
	gvFreeContext(gvc);
	return rc;
}

/* Write g as DOT (no layout) into out. */
static int
render_dot(Agraph_t *g, char **out, size_t *len, struct tp_err *err)
{
	FILE *f = open_memstream(out, len);

	if (f == NULL)
		return tp_err_set(err, "no memory for the DOT text");
	if (agwrite(g, f) != 0) {
		fclose(f);
		free(*out);
		return tp_err_set(err, "Graphviz could not write the failover graph as DOT");
	}
	fclose(f);
	return 0;
}

/* Build the graph of m and render it as format ("dot" or "svg"). */
int
graph_render(const struct failover_matrix *m, const struct tp_conf *conf, const char *format,
    char **out, size_t *len, struct tp_err *err)
{
	Agraph_t *g;
	int rc;

	if (strcmp(format, "dot") != 0 && strcmp(format, "svg") != 0)
		return tp_err_set(err, "--format \"%s\": want dot or svg", format);
	g = graph_build(m, conf);
	rc = strcmp(format, "dot") == 0 ? render_dot(g, out, len, err) :
	    render_svg(g, out, len, err);
	agclose(g);
	return rc;
}
