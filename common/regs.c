/* SPDX-License-Identifier: ISC */
/* The registers of vcpu/N/regs (common/regs.h). */
#include <stdio.h>
#include <string.h>

#include "regs.h"

#define R(x, g) { #x, offsetof(struct vcpu_regs, x), VCPU_REG_##g }
const struct vcpu_reg vcpu_reg_table[] = {
	R(rax, GPR), R(rbx, GPR), R(rcx, GPR), R(rdx, GPR), R(rsi, GPR), R(rdi, GPR),
	R(rsp, GPR), R(rbp, GPR), R(r8, GPR), R(r9, GPR), R(r10, GPR), R(r11, GPR),
	R(r12, GPR), R(r13, GPR), R(r14, GPR), R(r15, GPR), R(rip, GPR), R(rflags, GPR),
	R(cs, SEG), R(ss, SEG), R(ds, SEG), R(es, SEG), R(fs, SEG), R(gs, SEG),
	R(fs_base, SEG), R(gs_base, SEG),
	R(cr0, CTRL), R(cr2, CTRL), R(cr3, CTRL), R(cr4, CTRL), R(efer, CTRL),
};
#undef R
const size_t vcpu_reg_count = sizeof(vcpu_reg_table) / sizeof(vcpu_reg_table[0]);

const struct vcpu_reg *vcpu_reg_find(const char *name)
{
	for (size_t i = 0; i < vcpu_reg_count; i++)
		if (!strcmp(vcpu_reg_table[i].name, name))
			return &vcpu_reg_table[i];
	return NULL;
}

uint64_t vcpu_reg_get(const struct vcpu_regs *r, const struct vcpu_reg *ri)
{
	uint64_t v;

	memcpy(&v, (const char *)r + ri->off, sizeof(v));
	return v;
}

void vcpu_reg_put(struct vcpu_regs *r, const struct vcpu_reg *ri, uint64_t v)
{
	memcpy((char *)r + ri->off, &v, sizeof(v));
}

size_t vcpu_regs_format(const struct vcpu_regs *r, unsigned groups, char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < vcpu_reg_count && n < len; i++) {
		const struct vcpu_reg *ri = &vcpu_reg_table[i];

		if (ri->group & groups)
			n += (size_t)snprintf(buf + n, len - n, "%s 0x%llx\n", ri->name,
					      (unsigned long long)vcpu_reg_get(r, ri));
	}
	return n < len ? n : len;
}
