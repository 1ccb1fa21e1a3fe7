/* SPDX-License-Identifier: ISC
 * gdb's amd64 register layout over struct vcpu_regs.  The order here is
 * the 'g' packet's and the target description's: gdb numbers remote
 * registers in the order target.xml declares them.  The x87 and SSE
 * registers are declared (gdb's amd64 support expects them) but the
 * control tree does not export them, so they read as unavailable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "gdbregs.h"
#include "rsp.h"
#include "target.h"

#define GPR(n, f, t) { n, 64, offsetof(struct vcpu_regs, f), 1, t, NULL }
#define SEG(n, f) { n, 32, offsetof(struct vcpu_regs, f), 0, "int32", NULL }
#define NONE(n, b, t, g) { n, b, -1, 0, t, g }

static const struct gdb_reg regs[] = {
	/* org.gnu.gdb.i386.core */
	GPR("rax", rax, "int64"), GPR("rbx", rbx, "int64"),
	GPR("rcx", rcx, "int64"), GPR("rdx", rdx, "int64"),
	GPR("rsi", rsi, "int64"), GPR("rdi", rdi, "int64"),
	GPR("rbp", rbp, "data_ptr"), GPR("rsp", rsp, "data_ptr"),
	GPR("r8", r8, "int64"), GPR("r9", r9, "int64"),
	GPR("r10", r10, "int64"), GPR("r11", r11, "int64"),
	GPR("r12", r12, "int64"), GPR("r13", r13, "int64"),
	GPR("r14", r14, "int64"), GPR("r15", r15, "int64"),
	GPR("rip", rip, "code_ptr"),
	{ "eflags", 32, offsetof(struct vcpu_regs, rflags), 1, "i386_eflags", NULL },
	SEG("cs", cs), SEG("ss", ss), SEG("ds", ds),
	SEG("es", es), SEG("fs", fs), SEG("gs", gs),
	NONE("st0", 80, "i387_ext", NULL), NONE("st1", 80, "i387_ext", NULL),
	NONE("st2", 80, "i387_ext", NULL), NONE("st3", 80, "i387_ext", NULL),
	NONE("st4", 80, "i387_ext", NULL), NONE("st5", 80, "i387_ext", NULL),
	NONE("st6", 80, "i387_ext", NULL), NONE("st7", 80, "i387_ext", NULL),
	NONE("fctrl", 32, "int", "float"), NONE("fstat", 32, "int", "float"),
	NONE("ftag", 32, "int", "float"), NONE("fiseg", 32, "int", "float"),
	NONE("fioff", 32, "int", "float"), NONE("foseg", 32, "int", "float"),
	NONE("fooff", 32, "int", "float"), NONE("fop", 32, "int", "float"),
	/* org.gnu.gdb.i386.sse */
	NONE("xmm0", 128, "vec128", NULL), NONE("xmm1", 128, "vec128", NULL),
	NONE("xmm2", 128, "vec128", NULL), NONE("xmm3", 128, "vec128", NULL),
	NONE("xmm4", 128, "vec128", NULL), NONE("xmm5", 128, "vec128", NULL),
	NONE("xmm6", 128, "vec128", NULL), NONE("xmm7", 128, "vec128", NULL),
	NONE("xmm8", 128, "vec128", NULL), NONE("xmm9", 128, "vec128", NULL),
	NONE("xmm10", 128, "vec128", NULL), NONE("xmm11", 128, "vec128", NULL),
	NONE("xmm12", 128, "vec128", NULL), NONE("xmm13", 128, "vec128", NULL),
	NONE("xmm14", 128, "vec128", NULL), NONE("xmm15", 128, "vec128", NULL),
	NONE("mxcsr", 32, "i386_mxcsr", "vector"),
	/* org.gnu.gdb.i386.segments */
	{ "fs_base", 64, offsetof(struct vcpu_regs, fs_base), 0, "int", NULL },
	{ "gs_base", 64, offsetof(struct vcpu_regs, gs_base), 0, "int", NULL },
};

#define NREGS (sizeof(regs) / sizeof(regs[0]))
#define SSE_FIRST 40u
#define SEGMENTS_FIRST 57u

_Static_assert(NREGS == 59, "gdb's amd64 layout has 57 registers and the 2 segment bases");

unsigned gdbregs_count(void)
{
	return NREGS;
}

const struct gdb_reg *gdbregs_get(unsigned n)
{
	return n < NREGS ? &regs[n] : NULL;
}

size_t gdbregs_gsize(void)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < NREGS; i++)
		n += regs[i].bits / 8;
	return n;
}

size_t gdbregs_encode(const struct vcpu_regs *r, unsigned n, char *hex)
{
	const struct gdb_reg *g = gdbregs_get(n);
	size_t bytes;
	uint64_t v;
	unsigned char le[8];
	unsigned i;

	if (!g) {
		hex[0] = '\0';
		return 0;
	}
	bytes = g->bits / 8;
	if (g->field < 0) {
		memset(hex, 'x', 2 * bytes);
		hex[2 * bytes] = '\0';
		return 2 * bytes;
	}
	memcpy(&v, (const char *)r + g->field, sizeof(v));
	for (i = 0; i < bytes; i++)
		le[i] = (unsigned char)(v >> (8 * i));
	rsp_hex_encode(hex, le, bytes);
	return 2 * bytes;
}

size_t gdbregs_encode_all(const struct vcpu_regs *r, char *hex)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < NREGS; i++)
		n += gdbregs_encode(r, i, hex + n);
	hex[n] = '\0';
	return n;
}

int gdbregs_decode(struct vcpu_regs *r, unsigned n, const char *hex)
{
	const struct gdb_reg *g = gdbregs_get(n);
	unsigned char le[8];
	uint64_t v = 0, old;
	size_t bytes, i;

	if (!g)
		return -1;
	bytes = g->bits / 8;
	if (g->field < 0)
		return strspn(hex, "xX") >= 2 * bytes ? 0 : -2; /* 'x's: left alone */
	if (rsp_hex_decode(le, hex, bytes))
		return -1;
	for (i = 0; i < bytes; i++)
		v |= (uint64_t)le[i] << (8 * i);
	memcpy(&old, (const char *)r + g->field, sizeof(old));
	if (bytes < 8)
		v |= old & ~((UINT64_C(1) << (8 * bytes)) - 1); /* eflags: keep the upper half */
	if (!g->writable && v != old)
		return -2;
	memcpy((char *)r + g->field, &v, sizeof(v));
	return 0;
}

/* Types the registers use, as in gdb's own i386 feature files. */
static const char core_types[] =
	"<flags id=\"i386_eflags\" size=\"4\">"
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>\n";

static const char sse_types[] =
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
	"</union>\n"
	"<flags id=\"i386_mxcsr\" size=\"4\">"
	"<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"
	"<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"
	"<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>"
	"<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"
	"<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>"
	"<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>"
	"</flags>\n";

static const struct {
	const char *name;
	unsigned first, end;
	const char *types;
} features[] = {
	{ "org.gnu.gdb.i386.core", 0, SSE_FIRST, core_types },
	{ "org.gnu.gdb.i386.sse", SSE_FIRST, SEGMENTS_FIRST, sse_types },
	{ "org.gnu.gdb.i386.segments", SEGMENTS_FIRST, NREGS, "" },
};

static char xml[16384];
static size_t xml_len;

/* Appends to xml; the buffer is sized for the table above (checked once). */
__attribute__((format(printf, 1, 2))) static void put(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(xml + xml_len, sizeof(xml) - xml_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		xml_len += (size_t)n;
	if (xml_len >= sizeof(xml))
		xml_len = sizeof(xml) - 1;
}

const char *gdbregs_target_xml(size_t *len)
{
	unsigned f, i;

	if (!xml_len) {
		put("<?xml version=\"1.0\"?>\n"
		    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		    "<target version=\"1.0\">\n"
		    "<architecture>i386:x86-64</architecture>\n");
		for (f = 0; f < sizeof(features) / sizeof(features[0]); f++) {
			put("<feature name=\"%s\">\n%s", features[f].name, features[f].types);
			for (i = features[f].first; i < features[f].end; i++) {
				put("<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"",
				    regs[i].name, regs[i].bits, regs[i].type, i);
				if (regs[i].group)
					put(" group=\"%s\"", regs[i].group);
				put("/>\n");
			}
			put("</feature>\n");
		}
		put("</target>\n");
	}
	*len = xml_len;
	return xml;
}
