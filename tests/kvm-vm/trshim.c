// SPDX-License-Identifier: ISC
/*
 * trshim.so: preloaded into the test guest only, never part of lpar.
 *
 * QEMU's TCG (7.2, Debian 12) lets CPL 3 "out" through the TSS's I/O
 * bitmap only when TR's cached descriptor type is 9, an available TSS.
 * A loaded TR is busy (type 11) on real CPUs, VMX insists on it, and lpar
 * loads 11; so when this guest's KVM runs a partition on QEMU's emulated
 * SVM, every hcall would be a #GP.  That is QEMU's defect, so the product
 * stays as real CPUs want it and the test guest changes 11 to 9 on its way
 * into KVM_SET_SREGS.  tests/kvm-vm/run --no-shim shows the defect.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	struct kvm_sregs s;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	if (req != KVM_SET_SREGS || !arg)
		return real(fd, req, arg);
	memcpy(&s, arg, sizeof(s));
	if (s.tr.type == 11)
		s.tr.type = 9;
	return real(fd, req, &s);
}
