/* handlers.h: every interpreter handler for ordinary (unprivileged)
 * instructions, by family file. Privileged and sensitive instructions are
 * vmm_* routines, listed in vmm/priv.h.
 *
 * Naming follows the Intel operand notation: E = ModRM r/m, G = ModRM reg,
 * b = byte, v = 16/32 by operand size, z = immediate of 16/32 bits,
 * Z = register encoded in the low 3 opcode bits, I = immediate, J = relative
 * offset, S = segment register, O = direct offset (moffs), M = memory only,
 * A/p = far pointer. `in->op->aux` carries the parameter shared by a family
 * (ALU op, condition code, shift op, segment register).
 *
 * A handler either completes or raises (cpu_raise never returns), so a
 * faulting instruction leaves registers unchanged: handlers read and check
 * every operand before they commit results to registers.
 */
#ifndef POPEK_CPU_HANDLERS_H
#define POPEK_CPU_HANDLERS_H

#include "cpu/opcode.h"

#define HANDLER(name) void name(struct cpu *cpu, const struct x86_insn *in)

/* cpu/alu.c: aux = ALU op 0-7 (ADD OR ADC SBB AND SUB XOR CMP) */
HANDLER(op_alu_Eb_Gb);
HANDLER(op_alu_Ev_Gv);
HANDLER(op_alu_Gb_Eb);
HANDLER(op_alu_Gv_Ev);
HANDLER(op_alu_AL_Ib);
HANDLER(op_alu_eAX_Iz);
HANDLER(op_alu_Eb_Ib);  /* 80, 82: aux from the group entry */
HANDLER(op_alu_Ev_Iz);  /* 81 */
HANDLER(op_alu_Ev_Ib);  /* 83: sign-extended imm8 (in->imm already extended) */
HANDLER(op_test_Eb_Gb);
HANDLER(op_test_Ev_Gv);
HANDLER(op_test_AL_Ib);
HANDLER(op_test_eAX_Iz);
HANDLER(op_test_Eb_Ib); /* F6 /0 /1 */
HANDLER(op_test_Ev_Iz); /* F7 /0 /1 */
HANDLER(op_inc_Zv);     /* 40-47 */
HANDLER(op_dec_Zv);     /* 48-4F */
HANDLER(op_inc_Eb);
HANDLER(op_dec_Eb);
HANDLER(op_inc_Ev);
HANDLER(op_dec_Ev);
HANDLER(op_not_Eb);
HANDLER(op_not_Ev);
HANDLER(op_neg_Eb);
HANDLER(op_neg_Ev);
HANDLER(op_xadd_Eb_Gb);
HANDLER(op_xadd_Ev_Gv);
HANDLER(op_cmpxchg_Eb_Gb);
HANDLER(op_cmpxchg_Ev_Gv);
HANDLER(op_cmpxchg8b_Mq);
/* Register forms of the v-sized ALU handlers, one per operation. */
x86_handler alu_specialize(const struct x86_insn *in);

/* cpu/muldiv.c */
HANDLER(op_mul_Eb);
HANDLER(op_mul_Ev);
HANDLER(op_imul_Eb);
HANDLER(op_imul_Ev);
HANDLER(op_imul_Gv_Ev);    /* 0F AF */
HANDLER(op_imul_Gv_Ev_Iz); /* 69 */
HANDLER(op_imul_Gv_Ev_Ib); /* 6B */
HANDLER(op_div_Eb);
HANDLER(op_div_Ev);
HANDLER(op_idiv_Eb);
HANDLER(op_idiv_Ev);

/* cpu/bcd.c */
HANDLER(op_daa);
HANDLER(op_das);
HANDLER(op_aaa);
HANDLER(op_aas);
HANDLER(op_aam);
HANDLER(op_aad);
HANDLER(op_salc); /* D6: AL = CF ? FF : 00 */

/* cpu/shift.c: aux = 0-7 ROL ROR RCL RCR SHL SHR SAL(=SHL) SAR */
HANDLER(op_shift_Eb_1);
HANDLER(op_shift_Ev_1);
HANDLER(op_shift_Eb_CL);
HANDLER(op_shift_Ev_CL);
HANDLER(op_shift_Eb_Ib);
HANDLER(op_shift_Ev_Ib);
/* Picks a handler with the operation built in for the v-sized forms. */
x86_handler shift_specialize(const struct x86_insn *in);
HANDLER(op_shld_Ev_Gv_Ib);
HANDLER(op_shld_Ev_Gv_CL);
HANDLER(op_shrd_Ev_Gv_Ib);
HANDLER(op_shrd_Ev_Gv_CL);

/* cpu/bitops.c */
HANDLER(op_bt_Ev_Gv);
HANDLER(op_bts_Ev_Gv);
HANDLER(op_btr_Ev_Gv);
HANDLER(op_btc_Ev_Gv);
HANDLER(op_bt_Ev_Ib); /* 0F BA /4-/7: aux = 0 BT, 1 BTS, 2 BTR, 3 BTC */
HANDLER(op_bsf_Gv_Ev);
HANDLER(op_bsr_Gv_Ev);
HANDLER(op_bswap_Zd);
HANDLER(op_setcc_Eb);   /* aux = condition */
HANDLER(op_cmovcc_Gv_Ev); /* aux = condition */

/* cpu/data.c */
HANDLER(op_mov_Eb_Gb);
HANDLER(op_mov_Ev_Gv);
HANDLER(op_mov_Gb_Eb);
HANDLER(op_mov_Gv_Ev);
HANDLER(op_mov_AL_Ob);
HANDLER(op_mov_eAX_Ov);
HANDLER(op_mov_Ob_AL);
HANDLER(op_mov_Ov_eAX);
HANDLER(op_mov_Zb_Ib);
HANDLER(op_mov_Zv_Iv);
HANDLER(op_mov_Eb_Ib);
HANDLER(op_mov_Ev_Iz);
HANDLER(op_mov_Ew_Sw);  /* 8C */
HANDLER(op_mov_Sw_Ew);  /* 8E: calls cpu_load_seg */
HANDLER(op_lea_Gv_M);
HANDLER(op_xchg_Eb_Gb);
HANDLER(op_xchg_Ev_Gv);
HANDLER(op_xchg_Zv_eAX);
HANDLER(op_nop);        /* 90, PAUSE, 0F 1F /0 and the hint NOPs */
HANDLER(op_movzx_Gv_Eb);
HANDLER(op_movzx_Gv_Ew);
HANDLER(op_movsx_Gv_Eb);
HANDLER(op_movsx_Gv_Ew);
HANDLER(op_cbw);        /* 98: CBW / CWDE */
HANDLER(op_cwd);        /* 99: CWD / CDQ */
HANDLER(op_xlat);
HANDLER(op_lahf);
HANDLER(op_sahf);
HANDLER(op_load_far_ptr); /* LES LDS LSS LFS LGS: aux = segment register */

/* cpu/stack.c */
HANDLER(op_push_Zv);
HANDLER(op_pop_Zv);
HANDLER(op_push_Iz);
HANDLER(op_push_Ib);
HANDLER(op_push_Ev);
HANDLER(op_pop_Ev);
HANDLER(op_push_seg); /* aux = segment register */
HANDLER(op_pop_seg);  /* aux = segment register */
HANDLER(op_pusha);
HANDLER(op_popa);
HANDLER(op_enter);
HANDLER(op_leave);

/* cpu/control.c: near transfers and the ones that stay in the interpreter */
HANDLER(op_jcc_Jb);   /* aux = condition */
HANDLER(op_jcc_Jz);
x86_handler jcc_specialize(const struct x86_insn *in); /* one handler per condition */
HANDLER(op_jmp_Jb);
HANDLER(op_jmp_Jz);
HANDLER(op_jmp_Ev);
HANDLER(op_call_Jz);
HANDLER(op_call_Ev);
HANDLER(op_ret_near);
HANDLER(op_ret_near_Iw);
HANDLER(op_loop);     /* aux: 0 LOOPNE, 1 LOOPE, 2 LOOP */
HANDLER(op_jcxz);
HANDLER(op_bound);
HANDLER(op_ud);       /* UD2 and every undefined encoding */
HANDLER(op_clc);
HANDLER(op_stc);
HANDLER(op_cmc);
HANDLER(op_cld);
HANDLER(op_std);
HANDLER(op_fpu_esc);  /* D8-DF: cpu/fpu_dispatch.c (declared in cpu/fpu.h) */
HANDLER(op_fwait);    /* 9B */

/* cpu/string.c: REP handled inside; aux unused */
HANDLER(op_movs_b);
HANDLER(op_movs_v);
HANDLER(op_cmps_b);
HANDLER(op_cmps_v);
HANDLER(op_stos_b);
HANDLER(op_stos_v);
HANDLER(op_lods_b);
HANDLER(op_lods_v);
HANDLER(op_scas_b);
HANDLER(op_scas_v);

#endif
