/* Targets, the pass pipeline and emission: picks the target machine (host or
 * a supported cross triple), verifies the module, runs default<O0>/<O2>,
 * checks that no coroutine intrinsic survived, and writes IR, bitcode,
 * assembly, objects or (through cg_link) executables atomically. */
#include <errno.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "cg_internal.h"

/* ==== Target machine ====================================================== */

static void cg_init_llvm_targets(void) {
    static bool done;
    if (done) return;
    done = true;
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    LLVMInitializeRISCVTargetInfo();
    LLVMInitializeRISCVTarget();
    LLVMInitializeRISCVTargetMC();
    LLVMInitializeRISCVAsmPrinter();
}

/* Take ownership of an LLVM message as a malloc'ed string. */
static char *cg_take_message(char *m) {
    char *s = xstrdup(m ? m : "");
    if (m) LLVMDisposeMessage(m);
    return s;
}

static size_t cg_arch_len(const char *triple) {
    const char *dash = strchr(triple, '-');
    return dash ? (size_t)(dash - triple) : strlen(triple);
}

/* The cross targets the project supports, with the CPU and features that
 * match Debian's crt files for them. */
static const struct {
    const char *name;   /* as given to --target */
    const char *triple; /* what LLVM gets */
    const char *cpu;
    const char *features;
} cg_cross_targets[] = {
    {"aarch64-linux-gnu", "aarch64-unknown-linux-gnu", "generic", ""},
    {"riscv64-linux-gnu", "riscv64-unknown-linux-gnu", "generic-rv64", "+m,+a,+f,+d,+c"},
};

bool cg_target_init(Cg *c) {
    cg_init_llvm_targets();
    char *def = LLVMGetDefaultTargetTriple();
    char *host = cg_take_message(LLVMNormalizeTargetTriple(def));
    LLVMDisposeMessage(def);

    const char *want = c->opts->target;
    bool host_like = !want || (cg_arch_len(want) == cg_arch_len(host) &&
                               strncmp(want, host, cg_arch_len(host)) == 0);
    if (host_like) {
        c->triple = host;
        c->is_host = true;
        /* Programs run on machines other than the one that built them, so
         * the default is the architecture's baseline (what clang picks), not
         * the host: `--cpu native` opts in to everything this CPU has. */
        bool x86 = strncmp(host, "x86_64", 6) == 0;
        const char *cpu = c->opts->cpu;
        if (cpu && strcmp(cpu, "native") == 0) {
            c->cpu = cg_take_message(LLVMGetHostCPUName());
            c->features = cg_take_message(LLVMGetHostCPUFeatures());
        } else if (cpu && !x86) {
            diag_error(CODE_CLI_USAGE, CG_NO_SPAN, "--cpu %s is an x86-64 CPU, but this machine is `%s`", cpu,
                       host);
            return false;
        } else {
            c->cpu = xstrdup(cpu ? cpu : x86 ? "x86-64" : "generic");
            c->features = xstrdup("");
        }
    } else {
        size_t i, n = sizeof cg_cross_targets / sizeof cg_cross_targets[0];
        for (i = 0; i < n; i++)
            if (strcmp(want, cg_cross_targets[i].name) == 0 || strcmp(want, cg_cross_targets[i].triple) == 0)
                break;
        free(host);
        if (i == n) {
            diag_error(CODE_CLI_USAGE, CG_NO_SPAN,
                       "unknown target `%s` (supported: aarch64-linux-gnu, riscv64-linux-gnu)", want);
            return false;
        }
        if (c->opts->cpu) {
            diag_error(CODE_CLI_USAGE, CG_NO_SPAN, "--cpu cannot be combined with --target %s", want);
            return false;
        }
        c->triple = xstrdup(cg_cross_targets[i].triple);
        c->cpu = xstrdup(cg_cross_targets[i].cpu);
        c->features = xstrdup(cg_cross_targets[i].features);
        c->is_host = false;
    }

    LLVMTargetRef target;
    char *err = NULL;
    if (LLVMGetTargetFromTriple(c->triple, &target, &err)) {
        char *m = cg_take_message(err);
        diag_error(CODE_CLI_USAGE, CG_NO_SPAN, "cannot generate code for `%s`: %s", c->triple, m);
        free(m);
        return false;
    }
    /* Debug builds use LLVMCodeGenLevelNone, which makes LLVM select
     * instructions with FastISel: the main cost of a debug build. */
    LLVMCodeGenOptLevel level = c->opts->release ? LLVMCodeGenLevelDefault : LLVMCodeGenLevelNone;
    /* PIC: Debian's clang links position-independent executables by default. */
    c->tm = LLVMCreateTargetMachine(target, c->triple, c->cpu, c->features, level, LLVMRelocPIC,
                                    LLVMCodeModelDefault);
    if (!c->tm) ICE("LLVM could not create a target machine for %s", c->triple);
    return true;
}

void cg_target_free(Cg *c) {
    if (c->tm) LLVMDisposeTargetMachine(c->tm);
    c->tm = NULL;
    free(c->triple);
    free(c->cpu);
    free(c->features);
    c->triple = c->cpu = c->features = NULL;
}

/* ==== Verification and passes ============================================= */

/* LLVM 19 aborts inside emission when a coroutine intrinsic was not lowered,
 * and the verifier does not notice (DESIGN.md, Async lowering): refuse here. */
static void cg_check_no_coro(Cg *c) {
    for (LLVMValueRef f = LLVMGetFirstFunction(c->mod); f; f = LLVMGetNextFunction(f)) {
        size_t len;
        const char *name = LLVMGetValueName2(f, &len);
        if (len > 10 && strncmp(name, "llvm.coro.", 10) == 0 && LLVMGetFirstUse(f))
            ICE("a call to %s survived the pass pipeline", name);
    }
}

void cg_verify_and_optimize(Cg *c) {
    char *msg = NULL;
    /* Verify before the passes: they assume valid IR and may crash otherwise. */
    if (LLVMVerifyModule(c->mod, LLVMReturnStatusAction, &msg)) {
        char *m = cg_take_message(msg);
        ICE("codegen produced invalid LLVM IR:\n%s", m);
    }
    if (msg) LLVMDisposeMessage(msg);

    LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
    LLVMErrorRef e = LLVMRunPasses(c->mod, c->opts->release ? "default<O2>" : "default<O0>", c->tm, po);
    LLVMDisposePassBuilderOptions(po);
    if (e) {
        char *m = LLVMGetErrorMessage(e);
        char *s = xstrdup(m);
        LLVMDisposeErrorMessage(m);
        ICE("the LLVM pass pipeline failed: %s", s);
    }
    cg_check_no_coro(c);
}

/* ==== Emission ============================================================ */

bool cg_emit_file(Cg *c, EmitKind kind, const char *path, const char *shown) {
    char *err = NULL;
    bool failed;
    switch (kind) {
    case EMIT_LLVM_IR: failed = LLVMPrintModuleToFile(c->mod, path, &err); break;
    case EMIT_BC:
        failed = LLVMWriteBitcodeToFile(c->mod, path) != 0;
        if (failed) err = NULL;
        break;
    case EMIT_ASM:
    case EMIT_OBJ:
    case EMIT_EXE:
        failed = LLVMTargetMachineEmitToFile(c->tm, c->mod, (char *)path,
                                             kind == EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile, &err);
        break;
    default: ICE("unknown emit kind %d", (int)kind);
    }
    if (failed) {
        char *m = err ? cg_take_message(err) : xstrdup(strerror(errno));
        diag_error(CODE_CLI_IO, CG_NO_SPAN, "cannot write `%s`: %s", shown, m);
        free(m);
        return false;
    }
    if (err) LLVMDisposeMessage(err);
    return true;
}

/* Every output is written under "<output>.tmp.<pid>" and renamed into place,
 * so an interrupted or failed build never leaves a partial file. */
bool cg_emit_output(Cg *c) {
    const CodegenOptions *o = c->opts;
    StrBuf tmp = {0};
    sb_printf(&tmp, "%s.tmp.%ld", o->output, (long)getpid());
    bool ok;
    if (o->emit == EMIT_EXE) {
        if (!c->is_host) {
            diag_error(CODE_TYPE_UNSUPPORTED, CG_NO_SPAN, "linking for %s is not supported yet", c->triple);
            sb_free(&tmp);
            return false;
        }
        /* release: bitcode, optimised once more together with the runtime's */
        bool lto = cg_lto_runtime(c) != NULL;
        StrBuf obj = {0};
        const char *dir = o->tmp_dir ? o->tmp_dir : P_tmpdir;
        const char *ext = lto ? "bc" : "o";
        if (o->tmp_dir) sb_printf(&obj, "%s/%s.%s", dir, c->prog->module_name ? c->prog->module_name : "main", ext);
        else sb_printf(&obj, "%s/sifr-%ld.%s", dir, (long)getpid(), ext);
        ok = cg_emit_file(c, lto ? EMIT_BC : EMIT_OBJ, obj.data, obj.data) && cg_link(c, obj.data, tmp.data);
        remove(obj.data);
        sb_free(&obj);
    } else {
        ok = cg_emit_file(c, o->emit, tmp.data, o->output);
    }
    if (ok && rename(tmp.data, o->output) != 0) {
        diag_error(CODE_CLI_IO, CG_NO_SPAN, "cannot write `%s`: %s", o->output, strerror(errno));
        ok = false;
    }
    if (!ok) remove(tmp.data);
    sb_free(&tmp);
    return ok;
}
