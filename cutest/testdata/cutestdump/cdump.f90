! cdump: evaluate a problem decoded by SIFDecode with the CUTEst library and
! write, to the file cdump.txt, what kkt's TestCUTEstDumps compares:
!   nm n m
!   v i name x0 xl xu                      (variables, CUTEst order)
!   c j name cl cu equatn linear           (constraints, SIF order)
!   f k f(x_k)
!   cv k j c_j(x_k)
!   g k i df/dx_i(x_k)
!   J k j i dc_j/dx_i(x_k)                 (sparse Jacobian entries; repeated
!                                           (j, i) pairs are to be summed)
!   hu k i [(hess f + sum_j y_j hess c_j) u]_i
!   h0 k i [(hess f) u]_i
! at x_0 (the start point) and x_1 = x_0 + 0.01 u, with u_i = 1 + mod(i,7)/7
! and y_j = 1 + mod(j,5)/5 (1-based i, j). Written for this project; it calls
! only CUTEst's documented Fortran tools (cdimen, csetup, cnames, cfn, cofg,
! cdimsj, ccfsg, chprod, cterminate).
program cdump
  implicit none
  integer, parameter :: wp = kind(1.0d0)
  integer :: status, n, m, i, j, k, mm, nnzj, l, lj
  integer, parameter :: input = 55, io_buffer = 11, dump = 56
  real(wp), allocatable :: x(:), xl(:), xu(:), y(:), cl(:), cu(:), c(:), g(:), u(:), hu(:), x1(:), y0(:), jval(:)
  integer, allocatable :: jvar(:), jfun(:)
  logical, allocatable :: equatn(:), linear(:)
  character(len=10) :: pname
  character(len=10), allocatable :: vnames(:), cnames(:)
  real(wp) :: f
  open(input, file='OUTSDIF.d', form='formatted', status='old')
  call CUTEST_cdimen(status, input, n, m)
  if (status /= 0) stop 1
  mm = max(m, 1)
  allocate(x(n), xl(n), xu(n), y(mm), y0(mm), cl(mm), cu(mm), c(mm), g(n), u(n), hu(n), x1(n))
  allocate(equatn(mm), linear(mm), vnames(n), cnames(mm))
  call CUTEST_csetup(status, input, 6, io_buffer, n, m, x, xl, xu, y, cl, cu, equatn, linear, 0, 0, 0)
  if (status /= 0) stop 2
  call CUTEST_cnames(status, n, m, pname, vnames, cnames)
  if (status /= 0) stop 3
  lj = 1
  if (m > 0) then
    call CUTEST_cdimsj(status, nnzj)
    if (status /= 0) stop 9
    lj = max(nnzj, 1)
  end if
  allocate(jval(lj), jvar(lj), jfun(lj))
  open(dump, file='cdump.txt', form='formatted', status='replace')
  write(dump,'(a,2i10)') 'nm', n, m
  do i = 1, n
    write(dump,'(a,i8,1x,a10,3es26.17)') 'v', i, vnames(i), x(i), xl(i), xu(i)
  end do
  do j = 1, m
    write(dump,'(a,i8,1x,a10,2es26.17,2l2)') 'c', j, cnames(j), cl(j), cu(j), equatn(j), linear(j)
  end do
  do i = 1, n
    u(i) = 1.0_wp + real(mod(i,7),wp)/7.0_wp
  end do
  do j = 1, mm
    y(j) = 1.0_wp + real(mod(j,5),wp)/5.0_wp
  end do
  y0 = 0.0_wp
  x1 = x + 0.01_wp*u
  do k = 0, 1
    if (k == 1) x = x1
    call CUTEST_cfn(status, n, m, x, f, c)
    if (status /= 0) stop 4
    write(dump,'(a,i2,es26.17)') 'f', k, f
    do j = 1, m
      write(dump,'(a,i2,i8,es26.17)') 'cv', k, j, c(j)
    end do
    call CUTEST_cofg(status, n, x, f, g, .true.)
    if (status /= 0) stop 5
    do i = 1, n
      write(dump,'(a,i2,i8,es26.17)') 'g', k, i, g(i)
    end do
    if (m > 0) then
      call CUTEST_ccfsg(status, n, m, x, c, nnzj, lj, jval, jvar, jfun, .true.)
      if (status /= 0) stop 6
      do l = 1, nnzj
        if (jval(l) /= 0.0_wp) write(dump,'(a,i2,2i8,es26.17)') 'J', k, jfun(l), jvar(l), jval(l)
      end do
    end if
    call CUTEST_chprod(status, n, m, .false., x, y, u, hu)
    if (status /= 0) stop 7
    do i = 1, n
      write(dump,'(a,i2,i8,es26.17)') 'hu', k, i, hu(i)
    end do
    call CUTEST_chprod(status, n, m, .false., x, y0, u, hu)
    if (status /= 0) stop 8
    do i = 1, n
      write(dump,'(a,i2,i8,es26.17)') 'h0', k, i, hu(i)
    end do
  end do
  close(dump)
  call CUTEST_cterminate(status)
end program cdump
